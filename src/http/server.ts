import { createRequire } from 'node:module';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Logger } from '../logger.js';
import { lazyRequestLogger } from './request-logger.js';
import type { Metrics } from '../metrics.js';
import { createTokenCheck, sendUnauthorized } from './auth.js';
import { describeStoreError } from '../store/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The bytes exactly as received: signatures are computed over these, never over re-serialised JSON. */
    rawBody?: Buffer;
    /** Why the body could not be parsed. Signed routes report it after checking the signature. */
    bodyError?: string;
  }
  interface FastifyContextConfig {
    /** The route checks a signature over the raw body first, then reports `bodyError` itself. */
    signedBody?: boolean;
  }
}

export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export interface HttpServerOptions {
  logger: Logger;
  metrics: Metrics;
  bodyLimit: number;
  readiness: ReadinessCheck[];
  /** METRICS_TOKEN: when set, /metrics wants it as a Bearer token (or Basic password). */
  metricsToken?: string;
  /** HTTP_REQUEST_TIMEOUT_MS (default 30 s): the time a client has to send one whole request. */
  requestTimeoutMs?: number;
  /** A readiness check that has not answered by then counts as failed, so /readyz never hangs. Default 2 s. */
  readinessTimeoutMs?: number;
}

/**
 * Node enforces the request timeout by sweeping its connections every `connectionsCheckingInterval`
 * (30 s by default, which could let a slow client hold a socket for twice the timeout): sweep at
 * least four times per timeout, and never more often than every 10 ms.
 */
function timeouts(requestTimeout: number) {
  return {
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout: Math.min(60_000, requestTimeout),
      connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(requestTimeout / 4))),
    },
  };
}

/** A 400 whose message is safe to show the caller. */
export class BadRequestError extends Error {
  readonly statusCode = 400;
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/**
 * No route declares a JSON schema (bodies are checked by our own code, signatures first), yet
 * fastify requires its Ajv validator and fast-json-stringify serializer (with Ajv's formats, URI
 * parser, …: ~2.5 MiB of a process that idles at ~90) whenever an instance is made. These factories
 * require them, from fastify's own dependencies, the first time a route with a schema needs one.
 */
function lazySchemaCompilers(): CompilersFactory {
  type Build = (...args: unknown[]) => unknown;
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  const onFirstUse = (selector: string): Build => {
    let build: Build | undefined;
    return (...args) => (build ??= (fromFastify(selector) as () => Build)())(...args);
  };
  return { buildValidator: onFirstUse('@fastify/ajv-compiler'), buildSerializer: onFirstUse('@fastify/fast-json-stringify-compiler') } as CompilersFactory;
}

export function createHttpServer(opts: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request lines would log URLs (query strings carry hub.verify_token); rejections are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: opts.bodyLimit,
    return503OnClosing: true,
    schemaController: { compilersFactory: lazySchemaCompilers() },
    forceCloseConnections: 'idle',
    // A client that sends its headers and then trickles (or never finishes) the body gets a 408 and
    // its connection closed once the timeout is up. Idle keep-alive connections are closed by
    // fastify's keepAliveTimeout (72 s, longer than load balancers' 60 s idle timeouts on purpose);
    // no socket-idle connectionTimeout is set, as it would cut those keep-alive connections first.
    ...timeouts(opts.requestTimeoutMs ?? 30_000),
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req: FastifyRequest, body: Buffer, done) => {
    req.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (err) {
      // Not an error yet: an unsigned garbage body must get its 401 before any 400.
      req.bodyError = `body is not valid JSON: ${(err as Error).message}`;
      done(null, undefined);
    }
  });
  app.addHook('preHandler', async (req) => {
    if (req.bodyError && !req.routeOptions.config?.signedBody) throw new BadRequestError(req.bodyError);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (req: FastifyRequest, body: Buffer, done) => {
    req.rawBody = body;
    done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  });
  // Anything else is kept raw, so a route can still verify it and say what is wrong.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req: FastifyRequest, body: Buffer, done) => {
    req.rawBody = body;
    done(null, body);
  });

  app.setErrorHandler((err: { statusCode?: number; message: string; code?: string }, req, reply) => {
    const store = describeStoreError(err);
    if (store?.transient) {
      // Nothing was recorded, so nothing may be acknowledged: Meta, Slack and Jira retry a 5xx.
      req.log.error({ cause: store.cause, err, url: req.routeOptions.url }, 'store unavailable: answering 503 so the sender retries');
      void reply.status(503).send({ error: 'temporarily unavailable; retry later' });
      return;
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: req.routeOptions.url }, 'request failed');
    else req.log.info({ status, code: err.code, url: req.routeOptions.url, reason: err.message }, 'request rejected');
    void reply.status(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
  app.setNotFoundHandler((_req, reply) => void reply.status(404).send({ error: 'not found' }));

  app.addHook('onResponse', (req, reply, done) => {
    if (reply.statusCode >= 400) req.log.debug({ status: reply.statusCode, url: req.routeOptions.url }, 'request answered');
    done();
  });

  app.get('/healthz', async () => ({ ok: true }));

  const readinessTimeoutMs = opts.readinessTimeoutMs ?? 2_000;
  app.get('/readyz', async (_req, reply) => {
    const results = await Promise.all(
      opts.readiness.map(async (c) => {
        try {
          return { name: c.name, ...(await withTimeout(c.check(), readinessTimeoutMs)) };
        } catch (err) {
          return { name: c.name, ok: false, detail: describeStoreError(err)?.cause ?? (err as Error).message };
        }
      }),
    );
    const ok = results.every((r) => r.ok);
    return reply.status(ok ? 200 : 503).send({ ok, checks: results });
  });

  const metricsCheck = opts.metricsToken ? createTokenCheck(opts.metricsToken) : undefined;
  app.get('/metrics', async (req, reply) => {
    const verdict = metricsCheck?.(req.headers.authorization) ?? 'ok';
    if (verdict !== 'ok') {
      // A scraper without credentials is a configuration to fix, a wrong token may be a probe.
      if (verdict === 'wrong') req.log.warn({ ip: req.ip }, 'metrics scrape refused: wrong METRICS_TOKEN');
      else req.log.info({ ip: req.ip }, 'metrics scrape refused: no METRICS_TOKEN sent');
      return sendUnauthorized(reply);
    }
    const text = await opts.metrics.registry.metrics();
    return reply.type(opts.metrics.registry.contentType).send(text);
  });

  return app;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
