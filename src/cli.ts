import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CommandSpec {
  /** The whole help text: what the command does, how to call it, where its settings come from. */
  usage: string;
  /** How many positional arguments the command takes (default: none). */
  positionals?: { min: number; max: number };
  /** Options besides --help (parseArgs' form); their values come back in `values`. */
  options?: NonNullable<ParseArgsConfig['options']>;
}

export interface CommandStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Either the arguments to run with, or the exit code to stop with (help shown, or a usage error). */
export type ParsedCommand = { positionals: string[]; values: Record<string, string | boolean | undefined> } | { exitCode: number };

/**
 * Every entry point reads its command line here first, before it loads settings or opens
 * anything: `--help` prints the usage and exits 0, and anything it does not know is a usage
 * error (exit 2, the message and the usage on stderr) instead of being ignored.
 */
export function parseCommand(argv: string[], spec: CommandSpec, streams: CommandStreams = process): ParsedCommand {
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: max > 0, strict: true });
  } catch (err) {
    return usageError(streams, spec, (err as Error).message);
  }
  if (parsed.values.help) {
    streams.stdout.write(withNewline(spec.usage));
    return { exitCode: 0 };
  }
  const { positionals } = parsed;
  const { help: _help, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  if (positionals.length < min) return usageError(streams, spec, `expected ${min === max ? min : `at least ${min}`} argument${min === 1 ? '' : 's'}, got ${positionals.length}`);
  if (positionals.length > max) return usageError(streams, spec, `unexpected argument '${positionals[max]}'`);
  return { positionals, values };
}

function usageError(streams: CommandStreams, spec: CommandSpec, message: string): ParsedCommand {
  streams.stderr.write(`error: ${message}\n\n${withNewline(spec.usage)}`);
  return { exitCode: 2 };
}

const withNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);
