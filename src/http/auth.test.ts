import { describe, expect, it } from 'vitest';
import { createTokenCheck, secretsEqual } from './auth.js';

describe('secretsEqual', () => {
  it('is true only for the very same secret, whatever the lengths (it never throws on a length mismatch)', () => {
    expect(secretsEqual('test-verify-token', 'test-verify-token')).toBe(true);
    for (const given of ['', 'test-verify-toke', 'test-verify-tokenx', 'TEST-VERIFY-TOKEN', 'x'.repeat(10_000)]) {
      expect(secretsEqual(given, 'test-verify-token'), given).toBe(false);
    }
  });
});

describe('createTokenCheck', () => {
  const check = createTokenCheck('0123456789abcdef');
  it('tells a missing credential from a wrong one (for the log; the caller sees one 401)', () => {
    expect(check(undefined)).toBe('missing');
    expect(check('Bearer 0123456789abcde')).toBe('wrong');
    expect(check('Bearer 0123456789abcdef')).toBe('ok');
    expect(check(`Basic ${Buffer.from('any:0123456789abcdef').toString('base64')}`)).toBe('ok');
  });
});
