import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta signs each webhook delivery: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`
 * keyed with the app secret. The raw bytes must be hashed as received (Meta escapes non-ASCII as
 * \uXXXX, so re-serialised JSON would not match). Constant-time comparison.
 */
export function verifyMetaSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
