import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DATABASE_URL, loadConfig } from './config.js';

const cloud = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'shhh',
  SLACK_CHANNEL: 'C0123456789',
  WHATSAPP_TOKEN: 'EAAG-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
  WHATSAPP_APP_SECRET: 'app-secret',
  WHATSAPP_VERIFY_TOKEN: 'verify-me',
};

function problemsOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads the card actions’ settings: the resolve prefix and the Jira transition names, comma-separated', () => {
    const { config } = loadConfig(cloud);
    expect(config.RESOLVE_PREFIX).toBe('resolve:');
    expect(config.JIRA_TRANSITION_WAITING).toEqual(['Waiting for customer', 'Pending']);
    expect(config.JIRA_TRANSITION_RESOLVE[0]).toBe('Resolve');
    expect(loadConfig({ ...cloud, JIRA_TRANSITION_REOPEN: ' Back to work , Reopen ,' }).config.JIRA_TRANSITION_REOPEN).toEqual(['Back to work', 'Reopen']);
    expect(problemsOf({ ...cloud, JIRA_TRANSITION_RESOLVE: ' , ' })).toContain('JIRA_TRANSITION_RESOLVE');
  });

  it('fills defaults for a minimal cloud configuration', () => {
    const { config, warnings } = loadConfig(cloud);
    expect(config).toMatchObject({
      PORT: 3000,
      DATABASE_URL: DEFAULT_DATABASE_URL,
      LOG_LEVEL: 'info',
      LOCALE: 'en',
      WHATSAPP_TRANSPORT: 'cloud',
      SLACK_API_URL: 'https://slack.com/api/',
      WHATSAPP_GRAPH_URL: 'https://graph.facebook.com/v23.0',
      jiraEnabled: false,
      QUEUE_CONCURRENCY: 8,
      QUEUE_PREFETCH: 8,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
    });
    expect(config.METRICS_TOKEN).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('claims as many jobs ahead as run at once unless QUEUE_PREFETCH says otherwise (0 turns it off)', () => {
    expect(loadConfig({ ...cloud, QUEUE_CONCURRENCY: '3' }).config.QUEUE_PREFETCH).toBe(3);
    expect(loadConfig({ ...cloud, QUEUE_CONCURRENCY: '3', QUEUE_PREFETCH: '0' }).config.QUEUE_PREFETCH).toBe(0);
    expect(loadConfig({ ...cloud, QUEUE_PREFETCH: '12' }).config.QUEUE_PREFETCH).toBe(12);
  });

  it('starts an .env from WhatsAppInSlack on the web transport, with one warning per retired key', () => {
    const { config, warnings } = loadConfig({
      SLACK_TOKEN: 'xoxb-legacy',
      SLACK_SIGNING_SECRET: 'legacy-secret',
      WHATSAPP_CHANNEL_NAME: '#whatsapp-support',
      PORT: '8080',
      SLACK_CHAT_POST_MESSAGE_URL: 'https://slack.com/api/chat.postMessage',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
      WHATSAPP_PUPPETEER_EXECUTABLE_PATH: '/usr/bin/chromium',
    });
    expect(config).toMatchObject({
      SLACK_BOT_TOKEN: 'xoxb-legacy',
      SLACK_CHANNEL: 'whatsapp-support',
      PORT: 8080,
      SLACK_API_URL: 'https://slack.com/api/',
      WHATSAPP_TRANSPORT: 'web',
    });
    expect(warnings).toEqual([
      'SLACK_TOKEN is read as SLACK_BOT_TOKEN (WhatsAppInSlack\'s name); rename it to SLACK_BOT_TOKEN',
      'WHATSAPP_CHANNEL_NAME is read as SLACK_CHANNEL (WhatsAppInSlack\'s name); rename it to SLACK_CHANNEL',
      'SLACK_CHAT_POST_MESSAGE_URL is read as SLACK_API_URL: using the Web API base https://slack.com/api/; set SLACK_API_URL=https://slack.com/api/ instead',
      expect.stringMatching(/^SLACK_WEBHOOK_URL is no longer used/),
      expect.stringMatching(/^WHATSAPP_PUPPETEER_EXECUTABLE_PATH is no longer used/),
    ]);
  });

  describe("WhatsAppInSlack's method URLs", () => {
    const legacy = { ...cloud, SLACK_API_URL: undefined };

    it('turns SLACK_API_URL=…/api/files.upload into the Web API base, with one warning naming the key and the value used', () => {
      const { config, warnings } = loadConfig({ ...legacy, SLACK_API_URL: 'https://slack.com/api/files.upload' });
      expect(config.SLACK_API_URL).toBe('https://slack.com/api/');
      expect(warnings).toEqual([
        "SLACK_API_URL names a Web API method (https://slack.com/api/files.upload), as WhatsAppInSlack's did: using its base https://slack.com/api/; set SLACK_API_URL=https://slack.com/api/ to silence this",
      ]);
    });

    it('with both old keys set, uses the base of SLACK_API_URL and says SLACK_CHAT_POST_MESSAGE_URL is ignored', () => {
      const { config, warnings } = loadConfig({
        ...legacy,
        SLACK_API_URL: 'http://127.0.0.1:8080/api/files.upload',
        SLACK_CHAT_POST_MESSAGE_URL: 'https://slack.com/api/chat.postMessage',
      });
      expect(config.SLACK_API_URL).toBe('http://127.0.0.1:8080/api/');
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/^SLACK_API_URL names a Web API method \(http:\/\/127\.0\.0\.1:8080\/api\/files\.upload\).*using its base http:\/\/127\.0\.0\.1:8080\/api\//);
      expect(warnings[1]).toBe(
        'SLACK_CHAT_POST_MESSAGE_URL is ignored: SLACK_API_URL is set, so the Slack Web API is reached at http://127.0.0.1:8080/api/; remove SLACK_CHAT_POST_MESSAGE_URL',
      );
    });

    it('keeps a SLACK_API_URL that is already a base, and still names SLACK_CHAT_POST_MESSAGE_URL as ignored', () => {
      const { config, warnings } = loadConfig({ ...legacy, SLACK_API_URL: 'https://slack.com/api/', SLACK_CHAT_POST_MESSAGE_URL: 'https://proxy.example.com/api/chat.postMessage' });
      expect(config.SLACK_API_URL).toBe('https://slack.com/api/');
      expect(warnings).toEqual([expect.stringMatching(/^SLACK_CHAT_POST_MESSAGE_URL is ignored: .* at https:\/\/slack\.com\/api\/;/)]);
    });

    it.each([
      ['https://slack.com/api/chat.postMessage', 'https://slack.com/api/'],
      ['https://slack.com/api/files.completeUploadExternal/', 'https://slack.com/api/'],
      ['https://gateway.example.com/slack/api/conversations.history?x=1', 'https://gateway.example.com/slack/api/'],
    ])('reads SLACK_CHAT_POST_MESSAGE_URL=%s as SLACK_API_URL=%s', (value, base) => {
      const { config, warnings } = loadConfig({ ...legacy, SLACK_CHAT_POST_MESSAGE_URL: value });
      expect(config.SLACK_API_URL).toBe(base);
      expect(warnings).toEqual([`SLACK_CHAT_POST_MESSAGE_URL is read as SLACK_API_URL: using the Web API base ${base}; set SLACK_API_URL=${base} instead`]);
    });

    it('leaves a base URL without a method alone, silently', () => {
      const { config, warnings } = loadConfig({ ...legacy, SLACK_API_URL: 'http://127.0.0.1:9/api/' });
      expect(config.SLACK_API_URL).toBe('http://127.0.0.1:9/api/');
      expect(warnings).toEqual([]);
    });

    it('names SLACK_CHAT_POST_MESSAGE_URL when it is not a URL', () => {
      expect(problemsOf({ ...legacy, SLACK_CHAT_POST_MESSAGE_URL: 'chat.postMessage' })).toContain(
        'SLACK_CHAT_POST_MESSAGE_URL: expected WhatsAppInSlack\'s chat.postMessage URL',
      );
    });
  });

  it('prefers the current name over its legacy alias, and says the alias is ignored', () => {
    const { config, warnings } = loadConfig({ ...cloud, SLACK_TOKEN: 'xoxb-old', WHATSAPP_CHANNEL_NAME: 'old' });
    expect(config.SLACK_BOT_TOKEN).toBe('xoxb-1-2-abc');
    expect(config.SLACK_CHANNEL).toBe('C0123456789');
    expect(warnings).toEqual([
      'SLACK_TOKEN is ignored: SLACK_BOT_TOKEN is set; remove SLACK_TOKEN',
      'WHATSAPP_CHANNEL_NAME is ignored: SLACK_CHANNEL is set; remove WHATSAPP_CHANNEL_NAME',
    ]);
  });

  it('names a missing required variable and what it expects, on one line', () => {
    const message = problemsOf({ ...cloud, SLACK_BOT_TOKEN: undefined });
    expect(message).toBe('Invalid configuration: SLACK_BOT_TOKEN is required: a Slack bot token starting with "xoxb-"');
  });

  it('treats an empty value as missing', () => {
    expect(problemsOf({ ...cloud, SLACK_CHANNEL: '  ' })).toContain('SLACK_CHANNEL is required');
  });

  it.each([
    ['PORT', 'seventy', 'PORT: expected a TCP port number'],
    ['PORT', '70000', 'PORT: expected a TCP port number'],
    ['SLACK_BOT_TOKEN', 'xoxp-user-token', 'SLACK_BOT_TOKEN: expected a Slack bot token starting with "xoxb-"'],
    ['SLACK_APP_TOKEN', 'xoxb-wrong', 'SLACK_APP_TOKEN: expected a Slack app-level token'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL: expected sqlite:<path>, postgres://'],
    ['LOCALE', 'fr', 'LOCALE: expected en or pt-BR'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: expected one of'],
    ['WHATSAPP_TRANSPORT', 'sms', 'WHATSAPP_TRANSPORT: expected cloud or web'],
    ['SLACK_API_URL', 'not a url', 'SLACK_API_URL: expected an http(s) URL'],
    ['QUEUE_CONCURRENCY', '0', 'QUEUE_CONCURRENCY: expected a positive whole number'],
    ['QUEUE_PREFETCH', '-1', 'QUEUE_PREFETCH: expected a whole number of jobs (0 or more)'],
    ['SLACK_CHANNEL', 'Support Team!', 'SLACK_CHANNEL: expected a channel ID'],
    ['METRICS_TOKEN', 'short', 'METRICS_TOKEN: expected a secret of at least 16 characters'],
    ['HTTP_REQUEST_TIMEOUT_MS', '-5', 'HTTP_REQUEST_TIMEOUT_MS: expected a time in milliseconds'],
  ])('rejects %s=%s clearly', (key, value, expected) => {
    const message = problemsOf({ ...cloud, [key]: value });
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  it('reports every problem in one run, one line each naming its variable, cross-field ones beside format ones', () => {
    const message = problemsOf({
      ...cloud,
      SLACK_BOT_TOKEN: 'xoxp-wrong-kind',
      PORT: 'eighty',
      WHATSAPP_APP_SECRET: undefined,
      JIRA_BASE_URL: 'not a url',
    });
    expect(message.split('\n')).toEqual([
      'Invalid configuration: PORT: expected a TCP port number (1-65535)',
      'Invalid configuration: SLACK_BOT_TOKEN: expected a Slack bot token starting with "xoxb-"',
      'Invalid configuration: JIRA_BASE_URL: expected an http(s) URL such as https://example.atlassian.net',
      'Invalid configuration: WHATSAPP_APP_SECRET is required with WHATSAPP_TRANSPORT=cloud: the Meta app secret, to check webhook signatures',
      'Invalid configuration: JIRA_EMAIL is required when JIRA_BASE_URL is set: the e-mail of the Jira account',
      'Invalid configuration: JIRA_API_TOKEN is required when JIRA_BASE_URL is set: an Atlassian API token',
      'Invalid configuration: JIRA_SERVICE_DESK_ID is required when JIRA_BASE_URL is set: the numeric service desk id',
      'Invalid configuration: JIRA_REQUEST_TYPE_ID is required when JIRA_BASE_URL is set: the numeric request type id',
    ]);
  });

  it('counts a malformed value as present: no "is required" on top of its format problem', () => {
    const message = problemsOf({ ...cloud, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xoxb-not-an-app-token' });
    expect(message).toBe('Invalid configuration: SLACK_APP_TOKEN: expected a Slack app-level token starting with "xapp-"');
  });

  it('listens on HOST: every IPv4 interface by default, or the address or name given', () => {
    expect(loadConfig(cloud).config.HOST).toBe('0.0.0.0');
    for (const host of ['127.0.0.1', '::', '::1', 'localhost', 'switchboard.internal']) expect(loadConfig({ ...cloud, HOST: host }).config.HOST).toBe(host);
    expect(problemsOf({ ...cloud, HOST: 'http://0.0.0.0:3000' })).toBe(
      'Invalid configuration: HOST: expected an address to listen on: 0.0.0.0 (every IPv4 interface), :: (every interface), 127.0.0.1, or a host name',
    );
  });

  it('never echoes a secret value in the error', () => {
    const message = problemsOf({ ...cloud, SLACK_BOT_TOKEN: 'xoxp-very-secret-value' });
    expect(message).not.toContain('very-secret');
  });

  it('requires the Cloud API credentials for the cloud transport only', () => {
    const message = problemsOf({ ...cloud, WHATSAPP_APP_SECRET: undefined, WHATSAPP_VERIFY_TOKEN: undefined });
    expect(message).toContain('WHATSAPP_APP_SECRET is required with WHATSAPP_TRANSPORT=cloud');
    expect(message).toContain('WHATSAPP_VERIFY_TOKEN is required with WHATSAPP_TRANSPORT=cloud');
    const web = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_CHANNEL: 'support', WHATSAPP_TRANSPORT: 'web' });
    expect(web.config.WHATSAPP_TRANSPORT).toBe('web');
  });

  it('needs no signing secret in Socket Mode', () => {
    const { config } = loadConfig({ ...cloud, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-abc' });
    expect(config.SLACK_APP_TOKEN).toBe('xapp-1-abc');
    expect(problemsOf({ ...cloud, SLACK_SIGNING_SECRET: undefined })).toContain('SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN');
  });

  it('enables Jira only with a complete configuration', () => {
    expect(problemsOf({ ...cloud, JIRA_BASE_URL: 'https://example.atlassian.net' })).toMatch(
      /JIRA_EMAIL is required.*JIRA_API_TOKEN is required.*JIRA_SERVICE_DESK_ID is required.*JIRA_REQUEST_TYPE_ID is required/s,
    );
    const { config, warnings } = loadConfig({
      ...cloud,
      JIRA_BASE_URL: 'https://example.atlassian.net',
      JIRA_EMAIL: 'support@example.com',
      JIRA_API_TOKEN: 'tok',
      JIRA_SERVICE_DESK_ID: '1',
      JIRA_REQUEST_TYPE_ID: '10',
    });
    expect(config.jiraEnabled).toBe(true);
    expect(warnings).toEqual(['JIRA_WEBHOOK_SECRET is not set: POST /webhooks/jira will refuse every call']);
  });

  it('bounds every Jira call: JIRA_TIMEOUT_MS, 30 s unless set', () => {
    expect(loadConfig(cloud).config.JIRA_TIMEOUT_MS).toBe(30_000);
    expect(loadConfig({ ...cloud, JIRA_TIMEOUT_MS: '5000' }).config.JIRA_TIMEOUT_MS).toBe(5_000);
    expect(problemsOf({ ...cloud, JIRA_TIMEOUT_MS: '0' })).toMatch(/JIRA_TIMEOUT_MS: expected how long one Jira call may take/);
  });

  it('accepts every store URL scheme of the contract', () => {
    for (const url of ['sqlite:./x.db', 'postgres://u@h/db', 'postgresql://u@h/db', 'mongodb://h/db', 'mongodb+srv://c.example.net/db']) {
      expect(loadConfig({ ...cloud, DATABASE_URL: url }).config.DATABASE_URL).toBe(url);
    }
  });
});
