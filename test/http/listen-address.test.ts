import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

describe('the listen address (HOST)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const addresses = (harness: Harness) => (harness.app.server.addresses() as AddressInfo[]).map((a) => a.address);

  it('is every IPv4 interface unless set', async () => {
    h = await startHarness();
    expect(addresses(h)).toEqual(['0.0.0.0']);
  });

  it('is HOST when set, e.g. loopback only behind a reverse proxy', async () => {
    h = await startHarness({ env: { HOST: '127.0.0.1' } });
    expect(addresses(h)).toEqual(['127.0.0.1']);
    expect(h.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  });
});
