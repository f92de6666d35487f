import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';

function build(readyOk = true) {
  const app = createHttpServer({
    logger: createLogger('silent'),
    metrics: createMetrics(),
    bodyLimit: 1024,
    readiness: [{ name: 'store', check: async () => ({ ok: readyOk, detail: readyOk ? undefined : 'migrations not applied' }) }],
  });
  app.post('/echo', async (req) => ({ raw: req.rawBody?.toString('utf8'), parsed: req.body }));
  return app;
}

describe('http server', () => {
  let app: ReturnType<typeof build>;
  afterEach(async () => app?.close());

  it('keeps the exact raw bytes beside the parsed JSON', async () => {
    app = build();
    const body = '{"a":  "\\u00e9" }';
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: body });
    expect(res.json()).toEqual({ raw: body, parsed: { a: 'é' } });
  });

  it('answers malformed JSON with a 400 and the reason', async () => {
    app = build();
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/^body is not valid JSON/);
  });

  it('refuses bodies over the limit with 413', async () => {
    app = build();
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: 'x'.repeat(2000) }) });
    expect(res.statusCode).toBe(413);
  });

  it('reports readiness from its checks', async () => {
    app = build(false);
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ok: false, checks: [{ name: 'store', ok: false, detail: 'migrations not applied' }] });
  });

  it('answers a store outage with a 503 naming nothing internal, and a bug with a 500', async () => {
    app = build();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    app.post('/store-down', async () => {
      throw refused;
    });
    app.post('/bug', async () => {
      throw new TypeError('x is undefined');
    });
    const down = await app.inject({ method: 'POST', url: '/store-down' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ error: 'temporarily unavailable; retry later' });
    expect((await app.inject({ method: 'POST', url: '/bug' })).statusCode).toBe(500);
  });

  it('counts a readiness check that does not answer as failed, instead of hanging', async () => {
    app = createHttpServer({
      logger: createLogger('silent'),
      metrics: createMetrics(),
      bodyLimit: 1024,
      readinessTimeoutMs: 50,
      readiness: [{ name: 'store', check: () => new Promise(() => undefined) }],
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ok: false, checks: [{ name: 'store', ok: false, detail: 'no answer within 50 ms' }] });
  });

  it('serves Prometheus text', async () => {
    app = build();
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('# TYPE switchboard_jobs_total counter');
  });
});
