import { describe, expect, it, vi } from 'vitest';
import { createSlackLinks } from '../../src/http/admin/slack-links.js';

describe('links to Slack threads', () => {
  const identity = async () => ({ userId: 'U012ABCDEF', teamId: 'T0123ABCD', scopes: [] as string[] });

  it('asks Slack for one permalink and builds every other link from the workspace address it names', async () => {
    const permalink = vi.fn(async (channel: string, ts: string) => `https://acme-clinic.slack.com/archives/${channel}/p${ts.replace('.', '')}`);
    const links = createSlackLinks({ permalink, identity });
    const all = await Promise.all([
      links.message('C0123456789', '1700000000.000100'),
      links.message('C0123456789', '1700000001.000200'),
      links.message('C0999999999', '1700000002.000300'),
    ]);
    expect(all).toEqual([
      'https://acme-clinic.slack.com/archives/C0123456789/p1700000000000100',
      'https://acme-clinic.slack.com/archives/C0123456789/p1700000001000200',
      'https://acme-clinic.slack.com/archives/C0999999999/p1700000002000300',
    ]);
    await links.message('C0123456789', '1700000003.000400');
    expect(permalink).toHaveBeenCalledTimes(1);
  });

  it('falls back to app_redirect (the channel, in the right workspace) while Slack cannot be asked', async () => {
    const permalink = vi.fn(async () => {
      throw new Error('slack_request_error');
    });
    const links = createSlackLinks({ permalink, identity });
    expect(await links.message('C0123456789', '1700000000.000100')).toBe('https://slack.com/app_redirect?channel=C0123456789&team=T0123ABCD');
    expect(await links.message('C0123456789', '1700000001.000100')).toBe('https://slack.com/app_redirect?channel=C0123456789&team=T0123ABCD');
    // Not one failed call per row: the next attempt waits.
    expect(permalink).toHaveBeenCalledTimes(1);
  });
});
