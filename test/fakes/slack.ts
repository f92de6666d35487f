/**
 * Fake Slack Web API for tests: real HTTP on 127.0.0.1, Slack's wire format, Slack's limits.
 *
 *   const fake = await createFakeSlack({ channels: [{ id: 'C0123456789', name: 'support' }] });
 *   const client = new WebClient(fake.token, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
 *   await client.chat.postMessage({ channel: 'C0123456789', text: 'hi' });
 *   expect(fake.topLevel('C0123456789')[0]?.text).toBe('hi');
 *   await fake.close();
 *
 * The modules live in ./slack/: server.ts (routing, auth, rate limits), methods/*.ts (one
 * file per method family, each citing its docs.slack.dev page), blocks.ts (Block Kit limits),
 * store.ts (workspace state and posting rules). Socket Mode: ./slack-socket.ts, whose
 * `issueUrl` is the `socketModeUrl` option (with `appToken`) of createFakeSlack.
 */
export { createFakeSlack, type FakeSlack } from './slack/fake.js';
export { LIMITS as SLACK_LIMITS } from './slack/blocks.js';
export {
  DEFAULT_SCOPES,
  type FailSpec,
  type FakeCall,
  type FakeChannelConfig,
  type FakeFile,
  type FakeMessage,
  type FakeSlackOptions,
  type FakeSlackState,
  type FakeUserConfig,
  type FileRef,
  type RateLimitConfig,
  type RetryWindow,
  type ThreadTsPolicy,
} from './slack/types.js';
