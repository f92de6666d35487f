import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../core/errors.js';
import { classifyFailure } from './failures.js';

/** A real driver error: the write lock another connection holds. */
function lockedError(): Error {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-failures-'));
  const file = join(dir, 'locked.db');
  const holder = new Database(file);
  const other = new Database(file, { timeout: 0 });
  try {
    holder.exec('CREATE TABLE t (n integer); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
    other.exec('BEGIN IMMEDIATE');
    throw new Error('expected SQLITE_BUSY');
  } catch (err) {
    return err as Error;
  } finally {
    other.close();
    holder.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('classifyFailure', () => {
  it('takes a vendor error at its word', () => {
    expect(classifyFailure(new BridgeError('down', { code: 'slack_http_503', retryable: true }))).toMatchObject({ code: 'slack_http_503', retryable: true });
    expect(classifyFailure(new BridgeError('no', { code: 'slack_channel_not_found', retryable: false }))).toMatchObject({ retryable: false });
  });

  it('retries a store that is briefly unavailable, and names why', () => {
    expect(classifyFailure(lockedError())).toMatchObject({ code: 'store_unavailable', retryable: true, message: expect.stringContaining('locked') });
  });

  it('retries a timeout, and gives up at once on a plain fault', () => {
    expect(classifyFailure(new DOMException('slow', 'TimeoutError'))).toMatchObject({ code: 'timeout', retryable: true });
    expect(classifyFailure(new RangeError('Invalid time value'))).toEqual({ code: 'error', message: 'Invalid time value', retryable: false });
  });

  it('lets a caller recognise what the rules do not', () => {
    const injected = new Error('injected');
    expect(classifyFailure(injected, (e) => (e === injected ? { code: 'injected', message: 'x', retryable: true } : undefined))).toMatchObject({ retryable: true });
  });
});
