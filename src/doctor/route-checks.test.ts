import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { Check } from './checks.js';
import { everyRoute } from './route-checks.js';

const env = {
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_SIGNING_SECRET: 'test-signing-secret',
  WHATSAPP_APP_SECRET: 'test-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'test-verify-token',
  WHATSAPP_TOKEN: 'test-graph-token',
  JIRA_BASE_URL: 'https://example.atlassian.net',
  JIRA_EMAIL: 'integration@example.com',
  JIRA_API_TOKEN: 'jira-token',
  JIRA_SERVICE_DESK_ID: '1',
  JIRA_REQUEST_TYPE_ID: '10',
};

/** What a check of one route sees: its channel, number and desk under the single-number names. */
const echo: Check = {
  name: 'echo',
  run: async (c) => ({ name: 'echo', ok: true, detail: `${c.SLACK_CHANNEL} ${c.WHATSAPP_TRANSPORT} ${c.WHATSAPP_PHONE_NUMBER_ID ?? '-'} desk ${c.JIRA_SERVICE_DESK_ID}/${c.JIRA_REQUEST_TYPE_ID}` }),
};

describe('doctor checks per route', () => {
  it('checks every route of ROUTES_FILE, naming the route', async () => {
    const text = `
routes:
  - { name: sales, whatsapp: { transport: cloud, phone_number_id: "106540352242922" }, slack_channel: C0SALES001, jira: { service_desk_id: "2", request_type_id: "20" } }
  - { name: field, whatsapp: { transport: web }, slack_channel: field-visits }
`;
    const { config } = loadConfig({ ...env, ROUTES_FILE: 'routes.yaml' }, { readFile: () => text });
    expect(await everyRoute(echo).run(config)).toEqual([
      { name: 'echo (route sales)', ok: true, detail: 'C0SALES001 cloud 106540352242922 desk 2/20' },
      { name: 'echo (route field)', ok: true, detail: 'field-visits web - desk 1/10' },
    ]);
  });

  it('checks the single-number setup as before', async () => {
    const { config } = loadConfig({ ...env, SLACK_CHANNEL: 'support', WHATSAPP_PHONE_NUMBER_ID: '106540352242922' });
    expect(await everyRoute(echo).run(config)).toEqual({ name: 'echo', ok: true, detail: 'support cloud 106540352242922 desk 1/10' });
  });
});
