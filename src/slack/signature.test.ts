import { describe, expect, it } from 'vitest';
import { signSlackBody, verifySlackSignature } from './signature.js';

// The worked example of https://docs.slack.dev/authentication/verifying-requests-from-slack
// (a slash command body): secret, timestamp and body from the page, and the signature it prints.
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TS = '1531420618';
const DOC_BODY = Buffer.from(
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
);
const DOC_SIG = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const at = (unixSeconds: number) => () => unixSeconds * 1000;
const docNow = at(Number(DOC_TS) + 30);

describe('verifySlackSignature', () => {
  it("accepts Slack's documented example", () => {
    expect(verifySlackSignature({ signingSecret: DOC_SECRET, body: DOC_BODY, timestamp: DOC_TS, signature: DOC_SIG, now: docNow })).toEqual({ ok: true });
  });

  it('signs the way Slack does (signSlackBody reproduces the documented signature)', () => {
    expect(signSlackBody(DOC_SECRET, DOC_TS, DOC_BODY)).toBe(DOC_SIG);
  });

  it('accepts an upper-case hex digest', () => {
    const sig = `v0=${DOC_SIG.slice(3).toUpperCase()}`;
    expect(verifySlackSignature({ signingSecret: DOC_SECRET, body: DOC_BODY, timestamp: DOC_TS, signature: sig, now: docNow }).ok).toBe(true);
  });

  it('hashes the raw bytes: a body that differs by one byte fails', () => {
    const body = Buffer.from(DOC_BODY.toString('utf8').replace('foobar', 'foobaz'));
    const r = verifySlackSignature({ signingSecret: DOC_SECRET, body, timestamp: DOC_TS, signature: DOC_SIG, now: docNow });
    expect(r).toEqual({ ok: false, reason: 'X-Slack-Signature does not match the signing secret' });
  });

  it('hashes non-ASCII bodies as bytes', () => {
    const body = Buffer.from('{"text":"olá, ça va? 👋"}');
    const sig = signSlackBody('s3cret', '1700000000', body);
    expect(verifySlackSignature({ signingSecret: 's3cret', body, timestamp: '1700000000', signature: sig, now: at(1700000000) }).ok).toBe(true);
  });

  it('refuses another signing secret', () => {
    const r = verifySlackSignature({ signingSecret: 'not-the-secret', body: DOC_BODY, timestamp: DOC_TS, signature: DOC_SIG, now: docNow });
    expect(r.ok).toBe(false);
  });

  it('refuses a replay: a valid signature whose timestamp is more than 5 minutes old', () => {
    const r = verifySlackSignature({ signingSecret: DOC_SECRET, body: DOC_BODY, timestamp: DOC_TS, signature: DOC_SIG, now: at(Number(DOC_TS) + 301) });
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/more than 5 minutes from now/) });
  });

  it('accepts exactly 5 minutes of skew either way, and refuses 5 minutes and a second in the future', () => {
    const check = (nowSeconds: number) =>
      verifySlackSignature({ signingSecret: DOC_SECRET, body: DOC_BODY, timestamp: DOC_TS, signature: DOC_SIG, now: at(nowSeconds) }).ok;
    expect(check(Number(DOC_TS) + 300)).toBe(true);
    expect(check(Number(DOC_TS) - 300)).toBe(true);
    expect(check(Number(DOC_TS) - 301)).toBe(false);
  });

  it('refuses a timestamp that was changed after signing, even to a fresh one', () => {
    const fresh = String(Number(DOC_TS) + 1000);
    const r = verifySlackSignature({ signingSecret: DOC_SECRET, body: DOC_BODY, timestamp: fresh, signature: DOC_SIG, now: at(Number(fresh)) });
    expect(r).toEqual({ ok: false, reason: 'X-Slack-Signature does not match the signing secret' });
  });

  it.each([
    [undefined, DOC_SIG, 'X-Slack-Request-Timestamp header missing'],
    ['', DOC_SIG, 'X-Slack-Request-Timestamp header missing'],
    ['1531420618.5', DOC_SIG, 'X-Slack-Request-Timestamp is not Unix seconds'],
    ['soon', DOC_SIG, 'X-Slack-Request-Timestamp is not Unix seconds'],
    [DOC_TS, undefined, 'X-Slack-Signature header missing'],
    [DOC_TS, 'sha256=abc', 'X-Slack-Signature is not of the form v0=<64 hex digits>'],
    [DOC_TS, 'v0=abc', 'X-Slack-Signature is not of the form v0=<64 hex digits>'],
    [DOC_TS, `v1=${DOC_SIG.slice(3)}`, 'X-Slack-Signature is not of the form v0=<64 hex digits>'],
  ])('refuses timestamp %j with signature %j: %s', (timestamp, signature, reason) => {
    expect(verifySlackSignature({ signingSecret: DOC_SECRET, body: DOC_BODY, timestamp, signature, now: docNow })).toEqual({ ok: false, reason });
  });
});
