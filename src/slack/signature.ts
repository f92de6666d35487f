import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far X-Slack-Request-Timestamp may be from our clock, either way, before a request is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface SlackSignatureInput {
  signingSecret: string;
  /** The request body exactly as received (never re-serialised JSON or re-encoded form fields). */
  body: Buffer;
  /** X-Slack-Request-Timestamp: Unix seconds. */
  timestamp: string | undefined;
  /** X-Slack-Signature: `v0=<hex>`. */
  signature: string | undefined;
  /** Milliseconds since the epoch; injectable so tests (and replays) are deterministic. */
  now?: () => number;
}

export type SlackSignatureResult = { ok: true } | { ok: false; reason: string };

/**
 * Slack's request signing, version v0 (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 * `v0=` + hex HMAC-SHA256 keyed with the signing secret over `v0:{timestamp}:{raw body}`, compared
 * in constant time. The timestamp is part of the signed string, so refusing timestamps more than five
 * minutes away from now stops a captured request from being replayed later. bolt-js's
 * `verifySlackRequest` only refuses old timestamps; this also refuses ones from the future, so a
 * sender with a skewed clock cannot mint requests that stay valid for longer.
 *
 * Pure: no I/O, and the clock is a parameter.
 */
export function verifySlackSignature(input: SlackSignatureInput): SlackSignatureResult {
  const { timestamp, signature } = input;
  if (timestamp === undefined || timestamp === '') return { ok: false, reason: 'X-Slack-Request-Timestamp header missing' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not Unix seconds' };
  const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'X-Slack-Request-Timestamp is more than 5 minutes from now (replayed request or clock skew)' };
  }
  if (signature === undefined || signature === '') return { ok: false, reason: 'X-Slack-Signature header missing' };
  const hex = /^v0=([0-9a-f]{64})$/i.exec(signature)?.[1];
  if (hex === undefined) return { ok: false, reason: 'X-Slack-Signature is not of the form v0=<64 hex digits>' };

  const expected = createHmac('sha256', input.signingSecret)
    .update(`v0:${timestamp}:`)
    .update(input.body)
    .digest();
  const given = Buffer.from(hex, 'hex');
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'X-Slack-Signature does not match the signing secret' };
  return { ok: true };
}

/** The `X-Slack-Signature` Slack would send for this body: for tests and fakes that play Slack. */
export function signSlackBody(signingSecret: string, timestamp: string, body: Buffer | string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}
