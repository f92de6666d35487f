import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIRED_SLACK_SCOPES } from '../../src/doctor/vendor-checks.js';
import { COMMAND, SAVED_REPLY_SHORTCUT, START_SHORTCUT } from '../../src/slack/interactions/payloads.js';
import { METHODS } from '../fakes/slack/server.js';
import { readManifest } from '../support/manifest.js';

const SRC = new URL('../../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every Slack Web API method the service's code calls through a WebClient (`client.family.method(`). */
function methodsCalled(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bclient\.([a-z]+)\.([a-zA-Z]+)\(/g)) {
      const method = `${m[1]}.${m[2]}`;
      found.set(method, [...(found.get(method) ?? []), file.slice(SRC.length)]);
    }
  }
  return found;
}

/** slack-app-manifest.yml against what the code uses (issue 12, point 6). */
describe('the Slack app manifest', () => {
  const manifest = readManifest();

  it('grants a scope for every Web API method the code calls', () => {
    const called = methodsCalled();
    // The features of issue 12 are among them: without these the check would prove little.
    expect([...called.keys()]).toEqual(expect.arrayContaining(['views.open', 'views.update', 'views.publish', 'users.info', 'chat.postMessage', 'chat.update']));
    const uncovered = [...called].flatMap(([method, files]) => {
      const spec = METHODS[method];
      if (!spec) return [`${method} (called in ${files.join(', ')}) is unknown to the fake Slack: add it there with its scopes`];
      return spec.scopes.length === 0 || spec.scopes.some((s) => manifest.botScopes.includes(s)) ? [] : [`${method} needs ${spec.scopes.join(' or ')}`];
    });
    expect(uncovered).toEqual([]);
  });

  it('grants what doctor requires, the e-mail a claim assigns by, and commands', () => {
    expect(manifest.botScopes).toEqual(expect.arrayContaining(Object.keys(REQUIRED_SLACK_SCOPES)));
    expect(readFileSync(join(SRC, 'slack/agent-emails.ts'), 'utf8')).toContain('profile?.email');
    expect(manifest.botScopes).toEqual(expect.arrayContaining(['users:read.email', 'commands', 'chat:write.customize']));
  });

  it('declares the shortcuts, the slash command, the Home tab and interactivity the code answers', () => {
    expect(manifest.shortcuts).toEqual(
      expect.arrayContaining([
        { type: 'global', callbackId: START_SHORTCUT },
        { type: 'message', callbackId: SAVED_REPLY_SHORTCUT },
      ]),
    );
    expect(manifest.commands).toEqual([COMMAND]);
    expect(manifest.homeTab).toBe(true);
    expect(manifest.botEvents).toEqual(expect.arrayContaining(['app_home_opened', 'message.channels', 'message.groups', 'reaction_added', 'reaction_removed']));
    expect(manifest.interactivity).toBe(true);
  });
});
