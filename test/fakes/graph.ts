/**
 * A fake WhatsApp Cloud API (Graph) server on 127.0.0.1 for tests, in Graph's wire format. See
 * src/whatsapp/cloud/graph-client.ts for the client's doc references; pages below are on
 * developers.facebook.com/documentation/business-messaging/whatsapp/ unless a host is given.
 *
 * What it enforces, as Graph does:
 * - bearer token (104 without one, 401/190 for a wrong one); Graph error bodies (support/error-codes);
 * - message validation: `to`, `type`, text ≤ 4,096 chars, media by id or link, and
 *   `biz_opaque_callback_data` a string of ≤ 512 chars, echoed in status webhooks
 *   (messages API reference; webhooks/reference/messages/status);
 * - the 24-hour customer-service window: free-form messages to a user who has not written in
 *   24 hours → HTTP 400 131047 "Re-engagement message" (templates always pass). The fake learns
 *   who wrote from `userWrote()` (test/support/harness.ts calls it for each webhook it posts);
 * - rate limits with Meta's default figures, on by default: 80 sends/s per business number
 *   (130429 "Rate limit hit") and per user about 1 every 6 s with bursts of 45 (131056), each with
 *   Retry-After; requests that ignore it are counted (requestsDuringRetryAfter) — see ./graph/limits.ts;
 * - media: upload only of the supported types and within their sizes (image 5 MB, video and audio
 *   16 MB, document 100 MB, sticker 500 KB animated / 100 KB static: business-phone-numbers/media),
 *   refused with (#100) / 131053; media of the wrong type for its message type fails later, in the
 *   status webhook (131053), as Graph does — see ./graph/media-rules.ts;
 * - media URLs from GET /{media-id} need the token and expire (404); media ids expire;
 * - templates: GET /{WABA-ID}/message_templates lists them in pages; a template send must name an
 *   approved template and language (132001) with one body parameter per variable (132000) —
 *   see ./graph/templates.ts.
 * Faults a test can inject: failNext (Graph errors, 5xx, drop, accept-then-drop), hang (before
 * or after the work is done), delay, refuseConnections/acceptConnections.
 * `statusWebhook(wamid, status)` builds the documented statuses webhook for an accepted message.
 */
export { createFakeGraph } from './graph/fake.js';
export { META_RATE_LIMIT, type GraphRateLimit, type GraphRetryWindow, type LimitKind } from './graph/limits.js';
export { MEDIA_LIMITS } from './graph/media-rules.js';
export { DEFAULT_TEMPLATES, type FakeTemplate } from './graph/templates.js';
export type { AddMediaOptions, FailSpec, FakeGraph, FakeGraphOptions, GraphCall, GraphOp, SentMessage, UploadedMedia } from './graph/types.js';
export type { MessageStatus, StatusError, StatusWebhookOptions } from './graph/webhooks.js';
export { fakeWamid, parseMultipart } from './graph/wire.js';
export type { Hold } from './faults.js';
