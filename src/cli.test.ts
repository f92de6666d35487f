import { describe, expect, it } from 'vitest';
import { parseCommand, type CommandStreams } from './cli.js';

function streams(): CommandStreams & { out: string; err: string } {
  const s = { out: '', err: '', stdout: { write: (t: string) => (s.out += t) }, stderr: { write: (t: string) => (s.err += t) } };
  return s;
}

const usage = 'Usage: thing [--help] <a> [b]';

describe('parseCommand', () => {
  it('prints the usage on --help or -h and says to exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const s = streams();
      expect(parseCommand([flag], { usage }, s)).toEqual({ exitCode: 0 });
      expect(s.out).toBe(`${usage}\n`);
      expect(s.err).toBe('');
    }
  });

  it('wins over missing arguments', () => {
    const s = streams();
    expect(parseCommand(['--help'], { usage, positionals: { min: 1, max: 2 } }, s)).toEqual({ exitCode: 0 });
  });

  it('refuses an unknown option with the usage, exit 2', () => {
    const s = streams();
    expect(parseCommand(['--port=80'], { usage }, s)).toEqual({ exitCode: 2 });
    expect(s.err).toMatch(/^error: Unknown option '--port'/);
    expect(s.err).toContain(usage);
    expect(s.out).toBe('');
  });

  it('counts positional arguments', () => {
    const spec = { usage, positionals: { min: 1, max: 2 } };
    expect(parseCommand(['x'], spec, streams())).toEqual({ positionals: ['x'], values: {} });
    expect(parseCommand(['x', 'y'], spec, streams())).toEqual({ positionals: ['x', 'y'], values: {} });
    const few = streams();
    expect(parseCommand([], spec, few)).toEqual({ exitCode: 2 });
    expect(few.err).toMatch(/^error: expected at least 1 argument, got 0/);
    const many = streams();
    expect(parseCommand(['x', 'y', 'z'], spec, many)).toEqual({ exitCode: 2 });
    expect(many.err).toMatch(/^error: unexpected argument 'z'/);
    const none = streams();
    expect(parseCommand(['start'], { usage }, none)).toEqual({ exitCode: 2 });
    expect(none.err).toMatch(/^error: Unexpected argument 'start'/);
  });

  it('runs with no arguments when none are needed', () => {
    expect(parseCommand([], { usage }, streams())).toEqual({ positionals: [], values: {} });
  });

  it('reads the options a command declares besides --help, and still refuses others', () => {
    const spec = { usage, options: { ref: { type: 'string' as const }, 'no-deps': { type: 'boolean' as const } } };
    expect(parseCommand(['--ref', 'abc123', '--no-deps'], spec, streams())).toEqual({ positionals: [], values: { ref: 'abc123', 'no-deps': true } });
    expect(parseCommand([], spec, streams())).toEqual({ positionals: [], values: {} });
    const help = streams();
    expect(parseCommand(['--ref', 'abc123', '--help'], spec, help)).toEqual({ exitCode: 0 });
    expect(help.out).toBe(`${usage}\n`);
    const bad = streams();
    expect(parseCommand(['--rounds=3'], spec, bad)).toEqual({ exitCode: 2 });
    expect(bad.err).toMatch(/^error: Unknown option '--rounds'/);
    const missing = streams();
    expect(parseCommand(['--ref'], spec, missing)).toEqual({ exitCode: 2 });
    expect(missing.err).toMatch(/^error: Option '--ref <value>' argument missing/);
  });
});
