/**
 * The fake Slack's views.open / views.update / views.publish, driven with the official client as
 * the bridge drives them: triggers valid 3 s and once, Slack's view rules, hash conflicts.
 */
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeSlack, type FakeSlack } from './slack.js';

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const client = (f: FakeSlack) => new WebClient(f.token, { slackApiUrl: f.url, retryConfig: { retries: 0 } });
const modalView = (extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'New WhatsApp chat' },
  submit: { type: 'plain_text' as const, text: 'Send' },
  blocks: [{ type: 'input', block_id: 'phone', label: { type: 'plain_text', text: 'Phone number' }, element: { type: 'plain_text_input', action_id: 'phone' } }],
  ...extra,
});
const errorOf = (p: Promise<unknown>) => p.then(() => 'ok', (err: { data?: { error?: string; response_metadata?: { messages?: string[] } } }) => err.data);

describe('fake Slack views', () => {
  it('opens a modal once per trigger, within 3 seconds of it', async () => {
    let now = 1_000_000;
    fake = await createFakeSlack({ now: () => now });
    const web = client(fake);
    const trigger = fake.issueTrigger();
    const opened = await web.views.open({ trigger_id: trigger, view: modalView() });
    expect(opened.view?.id).toMatch(/^V/);
    expect(fake.views('modal')).toHaveLength(1);
    expect(await errorOf(web.views.open({ trigger_id: trigger, view: modalView() }))).toMatchObject({ error: 'exchanged_trigger_id' });
    const late = fake.issueTrigger();
    now += 3_001;
    expect(await errorOf(web.views.open({ trigger_id: late, view: modalView() }))).toMatchObject({ error: 'expired_trigger_id' });
    expect(await errorOf(web.views.open({ trigger_id: '123.456.never', view: modalView() }))).toMatchObject({ error: 'invalid_trigger_id' });
  });

  it('refuses views Slack refuses, with invalid_arguments and a pointer to the field', async () => {
    fake = await createFakeSlack();
    const web = client(fake);
    const longTitle = await errorOf(web.views.open({ trigger_id: fake.issueTrigger(), view: modalView({ title: { type: 'plain_text', text: 'A title far longer than Slack allows' } }) }));
    expect(longTitle).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: [expect.stringContaining('/view/title/text')] } });
    const noSubmit = await errorOf(web.views.open({ trigger_id: fake.issueTrigger(), view: modalView({ submit: undefined }) }));
    expect(noSubmit).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: [expect.stringContaining('submit')] } });
    expect(fake.views()).toHaveLength(0);
  });

  it('updates a view only with its current hash, and publishes a Home tab per user', async () => {
    fake = await createFakeSlack({ users: [{ id: 'U0AGENT001', name: 'ana' }] });
    const web = client(fake);
    const opened = await web.views.open({ trigger_id: fake.issueTrigger(), view: modalView() });
    const updated = await web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: modalView({ private_metadata: '{"k":1}' }) });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    expect(await errorOf(web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: modalView() }))).toMatchObject({ error: 'hash_conflict' });
    expect(await errorOf(web.views.update({ view_id: 'V0NOPE', view: modalView() }))).toMatchObject({ error: 'not_found' });
    const home = { type: 'home' as const, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Saved replies' } }] };
    await web.views.publish({ user_id: 'U0AGENT001', view: home });
    await web.views.publish({ user_id: 'U0AGENT001', view: home });
    expect(fake.views('home')).toHaveLength(1);
    expect(fake.views('home')[0]!.updates).toBe(1);
    expect(await errorOf(web.views.publish({ user_id: 'U0NOBODY1', view: home }))).toMatchObject({ error: 'user_not_found' });
  });
});
