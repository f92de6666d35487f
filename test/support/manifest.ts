import { readFileSync } from 'node:fs';

/**
 * What slack-app-manifest.yml declares, read with a few patterns (the file is ours and plain: two-space
 * indents, one item per line), so tests can hold the code to it.
 */
export interface ManifestFacts {
  botScopes: string[];
  botEvents: string[];
  shortcuts: Array<{ type: string; callbackId: string }>;
  commands: string[];
  homeTab: boolean;
  interactivity: boolean;
}

/** The `- item` lines (comments dropped) under the line `header` at its indentation. */
function listUnder(lines: string[], header: RegExp): string[] {
  const at = lines.findIndex((l) => header.test(l));
  if (at < 0) return [];
  const indent = lines[at]!.search(/\S/);
  const items: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (line.search(/\S/) <= indent) break;
    const item = /^\s*- ([^#]+?)\s*(?:#.*)?$/.exec(line);
    if (item) items.push(item[1]!);
  }
  return items;
}

export function readManifest(): ManifestFacts {
  const text = readFileSync(new URL('../../slack-app-manifest.yml', import.meta.url), 'utf8');
  const lines = text.split('\n');
  const shortcuts = [...text.matchAll(/- name: .+\n\s+type: (\S+)\n\s+callback_id: (\S+)/g)].map((m) => ({ type: m[1]!, callbackId: m[2]! }));
  return {
    botScopes: listUnder(lines, /^\s+bot:\s*$/),
    botEvents: listUnder(lines, /^\s+bot_events:\s*$/),
    shortcuts,
    commands: [...text.matchAll(/- command: (\S+)/g)].map((m) => m[1]!),
    homeTab: /home_tab_enabled: true/.test(text),
    interactivity: /interactivity:\n\s+is_enabled: true/.test(text),
  };
}
