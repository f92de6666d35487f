/**
 * docs/BENCHMARKS.md is shared by several benchmarks: each owns one section between markers and
 * rewrites only that, leaving the others as they are.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Replaces the section `id` of `file` (between `<!-- bench:id -->` and `<!-- /bench:id -->`), or appends it. */
export function writeSection(file: URL, id: string, markdown: string): void {
  const open = `<!-- bench:${id} -->`;
  const close = `<!-- /bench:${id} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next = start >= 0 && end > start ? current.slice(0, start) + block + current.slice(end + close.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** `markdown` followed by the sections other benchmarks keep in `file`: for a script that rewrites the whole file. */
export function withSectionsOf(file: URL, markdown: string): string {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const kept = current.match(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g) ?? [];
  return kept.length === 0 ? markdown : `${markdown.trimEnd()}\n\n${kept.join('\n\n')}\n`;
}
