import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpServer } from '../../http/server.js';
import * as auth from '../../http/auth.js';
import type { Intake } from '../../intake.js';
import { createLogger } from '../../logger.js';
import { createMetrics } from '../../metrics.js';
import { registerCloudWebhook } from './webhook-route.js';

vi.mock(import('../../http/auth.js'), async (original) => {
  const real = await original();
  return { ...real, secretsEqual: vi.fn(real.secretsEqual) };
});

const VERIFY_TOKEN = 'test-verify-token';

function build() {
  const app = createHttpServer({ logger: createLogger('silent'), metrics: createMetrics(), bodyLimit: 64 * 1024, readiness: [] });
  const intake = { recordWhatsApp: vi.fn(async () => ({ queued: 0, duplicates: 0 })) } as unknown as Intake;
  registerCloudWebhook(app, { appSecret: 'test-app-secret', verifyToken: VERIFY_TOKEN, intake, logger: createLogger('silent') });
  return app;
}

describe('GET /webhooks/whatsapp (Meta’s verification handshake)', () => {
  let app: ReturnType<typeof build> | undefined;
  afterEach(async () => app?.close());

  const handshake = (query: string) => app!.inject({ method: 'GET', url: `/webhooks/whatsapp?${query}` });

  it('compares hub.verify_token in constant time, and echoes the challenge only when it matches', async () => {
    app = build();
    vi.mocked(auth.secretsEqual).mockClear();
    const ok = await handshake(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect(auth.secretsEqual).toHaveBeenCalledWith(VERIFY_TOKEN, VERIFY_TOKEN);
    for (const token of ['nope', VERIFY_TOKEN.slice(0, -1), `${VERIFY_TOKEN}x`]) {
      const res = await handshake(`hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1`);
      expect(res.statusCode, token).toBe(403);
      expect(auth.secretsEqual).toHaveBeenLastCalledWith(token, VERIFY_TOKEN);
    }
  });

  it('refuses a repeated, missing or mode-less token without comparing anything odd', async () => {
    app = build();
    expect((await handshake(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).statusCode).toBe(403);
    expect((await handshake('hub.mode=subscribe&hub.challenge=1')).statusCode).toBe(403);
    expect((await handshake(`hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).statusCode).toBe(403);
    expect((await handshake(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`)).statusCode).toBe(403);
  });
});
