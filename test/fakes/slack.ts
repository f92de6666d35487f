/**
 * Fake Slack Web API for tests: real HTTP on 127.0.0.1, Slack's wire format, Slack's limits.
 *
 *   const fake = await createFakeSlack({ channels: [{ id: 'C0123456789', name: 'support' }] });
 *   const client = new WebClient(fake.token, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
 *   await client.chat.postMessage({ channel: 'C0123456789', text: 'hi' });
 *   expect(fake.topLevel('C0123456789')[0]?.text).toBe('hi');
 *   await fake.close();
 *
 * What it enforces, as Slack does (pages on docs.slack.dev):
 * - auth: bot token as Bearer or form `token` (not_authed, invalid_auth, not_allowed_token_type);
 *   scopes in `x-oauth-scopes`, `missing_scope` with `enforceScopes` (reference/scopes);
 * - chat.postMessage per channel ~1/s with bursts: HTTP 429 + Retry-After, and every request sent
 *   inside a Retry-After window is counted (apis/web-api/rate-limits);
 * - Block Kit and text limits, thread_ts rules, chat.update ownership (reference/block-kit, methods);
 * - the external upload flow and url_private downloads with the bot token (reference/methods/files.*).
 * Faults a test can inject (all through `createFakeSlack()`'s result):
 * - failNext(method, {status|error|retryAfter|count}): ok:false errors, 429s, 5xx; also for `upload`
 *   and `file` (plain-text 5xx bodies there) and `*`;
 * - hang(method) / release(): no answer at all until released; delay(method, ms): slow but answered;
 * - refuseConnections() / acceptConnections(): ECONNREFUSED on the same port, then back.
 *
 * The modules live in ./slack/: server.ts (routing, auth, rate limits), methods/*.ts (one
 * file per method family, each citing its docs.slack.dev page), blocks.ts (Block Kit limits),
 * store.ts (workspace state and posting rules). Socket Mode: ./slack-socket.ts, whose
 * `issueUrl` is the `socketModeUrl` option (with `appToken`) of createFakeSlack.
 */
export { createFakeSlack, type FakeSlack } from './slack/fake.js';
export { LIMITS as SLACK_LIMITS } from './slack/blocks.js';
export type { Hold } from './faults.js';
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
  type FakeView,
  type FileRef,
  type RateLimitConfig,
  type RetryWindow,
  type ThreadTsPolicy,
} from './slack/types.js';
