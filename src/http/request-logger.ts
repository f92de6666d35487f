import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

type ChildLoggerFactory = NonNullable<FastifyServerOptions['childLoggerFactory']>;

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * fastify gives every request a child logger bound to its request id. Making one (pino serialises
 * the bindings and sets up the child's redaction) was 3 % of the service's CPU under webhook load,
 * for requests that mostly never log: request lines are off (they would carry URLs) and routes log
 * on the server's own logger. This one makes the child only when the request writes a line at a
 * level that is enabled, or asks for its own child.
 */
export const lazyRequestLogger: ChildLoggerFactory = function (logger, bindings, options) {
  // A route with its own level or serializers gets a child at once, as fastify would make it.
  if (Object.keys(options).length > 0) return logger.child(bindings, options);
  let child: FastifyBaseLogger | undefined;
  const made = () => (child ??= logger.child(bindings, options));
  const lazy = {} as Record<string, unknown>;
  for (const level of LEVELS) {
    lazy[level] = (...args: unknown[]) => {
      if (child) return (child[level] as (...a: unknown[]) => void)(...args);
      if (!isEnabled(logger, level)) return;
      (made()[level] as (...a: unknown[]) => void)(...args);
    };
  }
  lazy.silent = () => undefined;
  lazy.child = (more: Record<string, unknown>, moreOptions?: object) => made().child(more, moreOptions);
  Object.defineProperty(lazy, 'level', {
    get: () => (child ?? logger).level,
    set: (level: string) => void (made().level = level),
  });
  return lazy as unknown as FastifyBaseLogger;
};

function isEnabled(logger: FastifyBaseLogger, level: Level): boolean {
  const check = (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return check ? check.call(logger, level) : true;
}
