/**
 * docs/BENCHMARKS.md holds the report of bench/webhook.ts and one section per other benchmark.
 * Each of those writes only its own section, between markers, so re-running one keeps the others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BENCHMARKS_FILE = new URL('../docs/BENCHMARKS.md', import.meta.url);

const open = (name: string) => `<!-- section:${name} -->`;
const close = (name: string) => `<!-- /section:${name} -->`;

/** Replaces (or appends) the named section of docs/BENCHMARKS.md. */
export function writeSection(name: string, markdown: string): void {
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, 'utf8') : '# Benchmarks\n';
  const block = `${open(name)}\n${markdown.trim()}\n${close(name)}`;
  const start = current.indexOf(open(name));
  const end = current.indexOf(close(name));
  const next = start >= 0 && end > start ? current.slice(0, start) + block + current.slice(end + close(name).length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCHMARKS_FILE, next);
}

/** Every section in the file (to carry over when the main report is rewritten). */
export function existingSections(): string[] {
  if (!existsSync(BENCHMARKS_FILE)) return [];
  const text = readFileSync(BENCHMARKS_FILE, 'utf8');
  return [...text.matchAll(/<!-- section:([\w-]+) -->[\s\S]*?<!-- \/section:\1 -->/g)].map((m) => m[0]);
}
