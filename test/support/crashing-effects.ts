import type { EffectLog } from '../../src/core/ports.js';

/** An effect log whose writes fail for keys matching `pattern`, once: the worker died right after the work, before recording it. */
export function crashingOnce(inner: EffectLog, pattern: RegExp): EffectLog {
  let crashed = false;
  return {
    get: (key) => inner.get(key),
    prune: (olderThan) => inner.prune(olderThan),
    async put(key, value) {
      if (!crashed && pattern.test(key)) {
        crashed = true;
        throw new Error('process killed');
      }
      return inner.put(key, value);
    },
  };
}
