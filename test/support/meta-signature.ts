import { createHmac } from 'node:crypto';

/**
 * The `X-Hub-Signature-256` value Meta sends with a webhook: `sha256=` + hex HMAC-SHA256 of the raw
 * body bytes, keyed with the app secret. Sign the exact bytes you POST (Meta escapes non-ASCII as
 * `\uXXXX`, so re-serialising a parsed payload changes the signature).
 */
export function signMetaBody(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
