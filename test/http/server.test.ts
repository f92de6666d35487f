import { once } from 'node:events';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServerOptions } from '../../src/http/server.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';

function build(readyOk = true, extra: Partial<HttpServerOptions> = {}) {
  const app = createHttpServer({
    logger: createLogger('silent'),
    metrics: createMetrics(),
    bodyLimit: 1024,
    readiness: [{ name: 'store', check: async () => ({ ok: readyOk, detail: readyOk ? undefined : 'migrations not applied' }) }],
    ...extra,
  });
  app.post('/echo', async (req) => ({ raw: req.rawBody?.toString('utf8'), parsed: req.body }));
  return app;
}

describe('http server', () => {
  let app: ReturnType<typeof build>;
  afterEach(async () => app?.close());

  it('makes a request’s child logger only when the request writes a line at an enabled level', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) });
    const http = createLogger('info', sink).child({ component: 'http' });
    let children = 0;
    const child = http.child.bind(http);
    http.child = ((...args: Parameters<Logger['child']>) => (children++, child(...args))) as Logger['child'];
    app = build(true, { logger: { child: () => http } as unknown as Logger });
    app.post('/quiet', async (req) => (req.log.debug('below the level'), { ok: true }));
    app.post('/says', async (req) => (req.log.info({ n: 1 }, 'a line'), { ok: true }));
    await app.ready();
    const atStart = children;
    for (const url of ['/echo', '/quiet']) expect((await app.inject({ method: 'POST', url, payload: {} })).statusCode).toBe(200);
    expect(children - atStart).toBe(0);
    expect(lines).toEqual([]);
    await app.inject({ method: 'POST', url: '/says', payload: {} });
    expect(children - atStart).toBe(1);
    expect(lines).toEqual([expect.objectContaining({ component: 'http', reqId: expect.any(String), n: 1, msg: 'a line' })]);
  });

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

  it('still validates and serialises a route that declares a schema (the schema compilers are loaded on first use)', async () => {
    app = build();
    app.post(
      '/typed',
      {
        schema: {
          body: { type: 'object', required: ['n'], properties: { n: { type: 'integer', minimum: 1 } } },
          response: { 200: { type: 'object', properties: { double: { type: 'integer' } } } },
        },
      },
      async (req) => ({ double: (req.body as { n: number }).n * 2, secret: 'not in the response schema' }),
    );
    const ok = await app.inject({ method: 'POST', url: '/typed', headers: { 'content-type': 'application/json' }, payload: '{"n":21}' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('{"double":42}');
    const bad = await app.inject({ method: 'POST', url: '/typed', headers: { 'content-type': 'application/json' }, payload: '{"n":0}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/body\/n must be >= 1/);
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

  describe('with METRICS_TOKEN', () => {
    const TOKEN = 'metrics-token-0123456789';

    it('wants the token, compared whole, and answers the neutral 401 otherwise', async () => {
      app = build(true, { metricsToken: TOKEN });
      for (const authorization of [undefined, 'Bearer nope', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN]) {
        const res = await app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
        expect(res.statusCode, String(authorization)).toBe(401);
        expect(res.json()).toEqual({ error: 'unauthorized' });
        expect(res.body).not.toContain('switchboard_');
      }
      // Never from the query string (it ends up in logs).
      expect((await app.inject({ method: 'GET', url: `/metrics?token=${TOKEN}` })).statusCode).toBe(401);
      const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('# TYPE switchboard_jobs_total counter');
    });

    it('leaves the health checks open', async () => {
      app = build(true, { metricsToken: TOKEN });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    });
  });

  it('closes the connection of a client that sends its headers and then trickles the body forever', async () => {
    app = build(true, { requestTimeoutMs: 300 });
    const { port } = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    let closed = false;
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write('POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
    // One byte now and then: the socket is never idle, the body is never complete.
    const trickle = setInterval(() => socket.writable && socket.write(' '), 20);
    try {
      for (const deadline = Date.now() + 20_000; !closed && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    expect(closed).toBe(true);
    // Node answers 408 when it still can; a reset is just as good.
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
