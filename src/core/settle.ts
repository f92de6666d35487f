/**
 * Waits for every one of a job's independent effects, so one that fails does not stop the others,
 * then fails with the first failure (so the job is retried and the effects that did not happen are
 * tried again; the ones that did are recorded and skipped).
 */
export async function settleAll(effects: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(effects);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
