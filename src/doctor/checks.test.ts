import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { checkConfig, formatResults, runChecks, type Check } from './checks.js';

const example = dotenv.parse(readFileSync(new URL('../../.env.example', import.meta.url)));

describe('checkConfig', () => {
  it('flags every placeholder a copy of .env.example still holds, one line each', () => {
    const { results, config } = checkConfig(example);
    expect(config).toBeDefined(); // the copy loads, so the other checks still run
    expect(formatResults(results).split('\n')).toEqual([
      '✓ configuration: transport cloud, store sqlite, Jira off',
      '✗ configuration: SLACK_BOT_TOKEN still has the placeholder from .env.example (xoxb-replace-me)',
      '✗ configuration: SLACK_SIGNING_SECRET still has the placeholder from .env.example (replace-me)',
      '✗ configuration: WHATSAPP_TOKEN still has the placeholder from .env.example (replace-me)',
      '✗ configuration: WHATSAPP_PHONE_NUMBER_ID still has the placeholder from .env.example (106540352242922)',
      '✗ configuration: WHATSAPP_APP_SECRET still has the placeholder from .env.example (replace-me)',
      '✗ configuration: WHATSAPP_VERIFY_TOKEN still has the placeholder from .env.example (replace-me)',
      '    fix: put the real values in .env (README, "Configuration", says where each one comes from)',
    ]);
  });

  it('knows every placeholder in .env.example: real values there pass', () => {
    const real = {
      ...example,
      SLACK_BOT_TOKEN: 'xoxb-123-456-abc',
      SLACK_SIGNING_SECRET: '8f14e45fceea167a',
      WHATSAPP_TOKEN: 'EAAG-real-token',
      WHATSAPP_PHONE_NUMBER_ID: '123456789012345',
      WHATSAPP_APP_SECRET: 'c9f0f895fb98ab91',
      WHATSAPP_VERIFY_TOKEN: 'a-long-random-string',
    };
    const { results } = checkConfig(real);
    expect(results).toEqual([{ name: 'configuration', ok: true, detail: 'transport cloud, store sqlite, Jira off' }]);
  });

  it('catches a placeholder under a legacy name too', () => {
    const { results } = checkConfig({ SLACK_TOKEN: 'xoxb-replace-me', SLACK_SIGNING_SECRET: 's', SLACK_CHANNEL: 'support' });
    expect(results.filter((r) => !r.ok).map((r) => r.detail)).toEqual(['SLACK_TOKEN still has the placeholder from .env.example (xoxb-replace-me)']);
  });

  it('lists every configuration problem on its own line, the fix once', () => {
    const { results, config } = checkConfig({ ...example, SLACK_BOT_TOKEN: 'nope', WHATSAPP_APP_SECRET: '', PORT: 'x' });
    expect(config).toBeUndefined();
    const lines = formatResults(results).split('\n');
    expect(lines.filter((l) => l.startsWith('✗ configuration: '))).toEqual([
      '✗ configuration: PORT: expected a TCP port number (1-65535)',
      '✗ configuration: SLACK_BOT_TOKEN: expected a Slack bot token starting with "xoxb-"',
      '✗ configuration: WHATSAPP_APP_SECRET is required with WHATSAPP_TRANSPORT=cloud: the Meta app secret, to check webhook signatures',
      // the placeholders that remain are reported in the same run
      '✗ configuration: SLACK_SIGNING_SECRET still has the placeholder from .env.example (replace-me)',
      '✗ configuration: WHATSAPP_TOKEN still has the placeholder from .env.example (replace-me)',
      '✗ configuration: WHATSAPP_PHONE_NUMBER_ID still has the placeholder from .env.example (106540352242922)',
      '✗ configuration: WHATSAPP_VERIFY_TOKEN still has the placeholder from .env.example (replace-me)',
    ]);
    expect(lines.filter((l) => l.includes('fix: set the variables named above'))).toHaveLength(1);
  });
});

describe('runChecks', () => {
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_CHANNEL: 'support' }).config;

  it('reports a check that never finishes and goes on with the next', async () => {
    const hangs: Check = { name: 'slack', run: () => new Promise(() => undefined) };
    const answers: Check = { name: 'jira', run: async () => ({ name: 'jira', ok: true, detail: 'fine' }) };
    const seen: string[] = [];
    const results = await runChecks(config, [hangs, answers], { timeoutMs: 20, onResults: (got) => seen.push(...got.map((r) => r.name)) });
    expect(results).toEqual([
      { name: 'slack', ok: false, detail: 'no answer within 20 ms', fix: expect.stringContaining('network') },
      { name: 'jira', ok: true, detail: 'fine' },
    ]);
    expect(seen).toEqual(['slack', 'jira']);
  });

  it('reports a check that throws', async () => {
    const throws: Check = { name: 'store', run: async () => Promise.reject(new Error('boom')) };
    expect(await runChecks(config, [throws], { timeoutMs: 1_000 })).toEqual([{ name: 'store', ok: false, detail: 'check crashed: boom' }]);
  });
});
