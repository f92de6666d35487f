import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const base = {
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_SIGNING_SECRET: 'test-signing-secret',
  WHATSAPP_APP_SECRET: 'test-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'test-verify-token',
  WHATSAPP_TOKEN: 'test-graph-token',
};

const ROUTES = `
routes:
  - name: sales
    whatsapp:
      transport: cloud
      phone_number_id: "106540352242922"
      business_account_id: "102290129340398"
    slack_channel: "#sales"
    jira:
      service_desk_id: 1
      request_type_id: "10"
  - name: service
    whatsapp:
      transport: cloud
      phone_number_id: 106540352242933
      token_env: WHATSAPP_TOKEN_SERVICE
    slack_channel: C0SERVICE01
  - name: field
    whatsapp:
      transport: web
    slack_channel: C0SERVICE01
`;

/** loadConfig with ROUTES_FILE set to a file holding `text`. */
function load(text: string, env: Record<string, string | undefined> = {}) {
  return loadConfig({ ...base, ROUTES_FILE: 'routes.yaml', ...env }, { readFile: () => text });
}

function problems(text: string, env: Record<string, string | undefined> = {}): string[] {
  try {
    load(text, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('ROUTES_FILE', () => {
  it('reads every route: its number, channel and service desk, the secrets from the environment', () => {
    const { config } = load(ROUTES, { WHATSAPP_TOKEN_SERVICE: 'service-token' });
    expect(config.routes).toEqual([
      {
        name: 'sales',
        whatsapp: { transport: 'cloud', phoneNumberId: '106540352242922', token: 'test-graph-token', businessAccountId: '102290129340398' },
        slackChannel: 'sales',
        jira: { serviceDeskId: '1', requestTypeId: '10' },
      },
      { name: 'service', whatsapp: { transport: 'cloud', phoneNumberId: '106540352242933', token: 'service-token' }, slackChannel: 'C0SERVICE01' },
      { name: 'field', whatsapp: { transport: 'web', session: 'field' }, slackChannel: 'C0SERVICE01' },
    ]);
    // The first route stands where the single number's settings did (bridge notices, logs).
    expect(config).toMatchObject({ SLACK_CHANNEL: 'sales', WHATSAPP_TRANSPORT: 'cloud' });
  });

  it('needs neither SLACK_CHANNEL nor WHATSAPP_PHONE_NUMBER_ID, but the app secret for Cloud routes', () => {
    expect(problems(ROUTES, { WHATSAPP_TOKEN_SERVICE: 'x', WHATSAPP_APP_SECRET: undefined })).toEqual([
      'WHATSAPP_APP_SECRET is required for the Cloud API routes of ROUTES_FILE: the Meta app secret, to check webhook signatures',
    ]);
  });

  it('names the route and field of each mistake, one line each', () => {
    const text = `
routes:
  - name: sales
    whatsapp: { transport: cloud, phone_number_id: "10654035224292x" }
    slack_channel: "#Sales Team"
  - name: Field
    whatsapp: { transport: fax }
    slack_channel: C0SERVICE01
    colour: blue
`;
    expect(problems(text)).toEqual([
      'ROUTES_FILE routes.yaml: route sales: whatsapp.phone_number_id: expected the Cloud API phone number id (digits only)',
      'ROUTES_FILE routes.yaml: route sales: slack_channel: expected a channel ID like C0123456789 or a channel name like #support',
      'ROUTES_FILE routes.yaml: route Field: name: expected a short name: lower-case letters, digits and dashes (up to 32)',
      'ROUTES_FILE routes.yaml: route Field: whatsapp.transport: expected transport: cloud or transport: web',
      'ROUTES_FILE routes.yaml: route Field: Unrecognized key: "colour"',
    ]);
  });

  it('reads a route’s label, and refuses one that is empty or longer than 60 characters', () => {
    const route = (label: string) => `
routes:
  - { name: sales, label: ${label}, whatsapp: { transport: web }, slack_channel: C0SALES001 }
`;
    expect(load(route('"  Sales desk (São Paulo) "')).config.routes[0]).toMatchObject({ name: 'sales', label: 'Sales desk (São Paulo)' });
    expect(load(route('"ç'.padEnd(61, 'a') + '"')).config.routes[0]!.label).toHaveLength(60);
    expect(problems(route(`"${'a'.repeat(61)}"`))).toEqual(['ROUTES_FILE routes.yaml: route sales: label: expected a label of up to 60 characters']);
    expect(problems(route('" "'))).toEqual(['ROUTES_FILE routes.yaml: route sales: label: expected a short label in words, such as Sales desk (up to 60 characters)']);
    expect(problems(route('[a, b]'))).toEqual(['ROUTES_FILE routes.yaml: route sales: label: expected a short label in words, such as Sales desk (up to 60 characters)']);
  });

  it('says where the YAML is broken', () => {
    expect(problems('routes:\n  - name: [sales\n')[0]).toMatch(/^ROUTES_FILE routes\.yaml is not valid YAML \(line \d+, column \d+\): /);
  });

  it('refuses a token variable that is not set, two routes of one number, and two of one name', () => {
    const text = `
routes:
  - { name: sales, whatsapp: { transport: cloud, phone_number_id: "106540352242922", token_env: WHATSAPP_TOKEN_SALES }, slack_channel: C0SALES001 }
  - { name: sales, whatsapp: { transport: cloud, phone_number_id: "106540352242922" }, slack_channel: C0SALES001 }
`;
    expect(problems(text)).toEqual([
      'ROUTES_FILE routes.yaml: route sales: WHATSAPP_TOKEN_SALES is required: the Cloud API access token of this number’s account',
      'ROUTES_FILE routes.yaml: two routes are named sales: names must differ',
      'ROUTES_FILE routes.yaml: two routes have phone_number_id 106540352242922: one number, one route',
    ]);
  });

  it('says when the file cannot be read', () => {
    const enoent = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    expect(() =>
      loadConfig({ ...base, ROUTES_FILE: 'missing.yaml' }, {
        readFile: () => {
          throw enoent;
        },
      }),
    ).toThrow('ROUTES_FILE: expected a readable YAML file of routes; missing.yaml: no such file');
  });

  it('asks for the Jira defaults only for routes without a service desk of their own', () => {
    const jira = { JIRA_BASE_URL: 'https://example.atlassian.net', JIRA_EMAIL: 'integration@example.com', JIRA_API_TOKEN: 'x', WHATSAPP_TOKEN_SERVICE: 'x' };
    expect(problems(ROUTES, jira)).toEqual([
      'JIRA_SERVICE_DESK_ID is required when JIRA_BASE_URL is set, for the routes without jira: (service, field): the numeric service desk id',
      'JIRA_REQUEST_TYPE_ID is required when JIRA_BASE_URL is set, for the routes without jira: (service, field): the numeric request type id',
    ]);
  });

  it('reads the README’s example (docs/routes.example.yaml)', () => {
    const text = readFileSync(new URL('../docs/routes.example.yaml', import.meta.url), 'utf8');
    const { config } = load(text, { WHATSAPP_TOKEN_SERVICE: 'service-token' });
    expect(config.routes.map((r) => [r.name, r.label, r.whatsapp.transport, r.slackChannel, r.jira?.serviceDeskId])).toEqual([
      ['default', 'Sales', 'cloud', 'sales', '1'],
      ['service', 'Service desk', 'cloud', 'C0123456789', '2'],
      ['field', 'Field team', 'web', 'C0123456789', undefined],
    ]);
  });

  it('without a file, makes one implicit route of the single-number settings', () => {
    const { config } = loadConfig({ ...base, SLACK_CHANNEL: 'C0123456789', WHATSAPP_PHONE_NUMBER_ID: '106540352242922' });
    expect(config.routes).toEqual([{ name: 'default', whatsapp: { transport: 'cloud', phoneNumberId: '106540352242922', token: 'test-graph-token' }, slackChannel: 'C0123456789' }]);
    const web = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 's', SLACK_CHANNEL: 'support' }).config;
    expect(web.routes).toEqual([{ name: 'default', whatsapp: { transport: 'web', session: 'default' }, slackChannel: 'support' }]);
  });
});
