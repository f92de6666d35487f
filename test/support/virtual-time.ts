/** A virtual clock for pacers: sleeping advances it, so pacing decisions can be read off exactly. */
export function virtualTime(start = 0) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    advance: (ms: number) => (t += ms),
  };
}
