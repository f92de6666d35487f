import { describe, expect, it } from 'vitest';
import { BridgeError } from '../core/errors.js';
import { createJobActivityTracker } from './job-activity.js';
import type { JobContext, JobSpec } from './worker.js';

describe('job activity (the console’s Jira panel)', () => {
  const ctx = {} as JobContext;

  it('records the last success and the last failure’s code of the watched kinds only, and passes outcomes through', async () => {
    let clock = 1_000;
    const tracker = createJobActivityTracker(() => clock);
    const failure = new BridgeError('Jira answered 401 for integration@example.com', { code: 'jira_unauthorized', retryable: false });
    let fail = false;
    const said: unknown[] = [];
    const handlers = tracker.watch(
      {
        'jira.flush': async () => {
          if (fail) throw failure;
        },
        'jira.ensure': { run: async () => undefined, giveUp: async (payload) => void said.push(payload) } satisfies JobSpec,
        'wa.inbound': async () => {
          throw new Error('not watched');
        },
      },
      (kind) => kind.startsWith('jira.'),
    );
    expect(tracker.snapshot()).toEqual({});
    // Watched kinds come back as specs.
    const run = (kind: string) => (handlers[kind] as JobSpec).run;
    await run('jira.flush')({}, ctx);
    expect(tracker.snapshot()).toEqual({ lastSuccessAt: 1_000 });
    clock = 2_000;
    fail = true;
    await expect(run('jira.flush')({}, ctx)).rejects.toBe(failure);
    expect(tracker.snapshot()).toEqual({ lastSuccessAt: 1_000, lastFailureAt: 2_000, lastFailureCode: 'jira_unauthorized' });
    // The message (it may name people) is not kept.
    expect(JSON.stringify(tracker.snapshot())).not.toContain('example.com');
    // giveUp survives the wrapping.
    await (handlers['jira.ensure'] as JobSpec).giveUp!({ chatId: 'x' }, { message: 'm', retryable: false }, ctx);
    expect(said).toEqual([{ chatId: 'x' }]);
    // Kinds not watched are handed back untouched.
    await expect((handlers['wa.inbound'] as (p: unknown, c: JobContext) => Promise<void>)({}, ctx)).rejects.toThrow('not watched');
    expect(tracker.snapshot().lastFailureAt).toBe(2_000);
  });
});
