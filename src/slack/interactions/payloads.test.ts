import { describe, expect, it } from 'vitest';
import { parseCommand, parseInteraction } from './payloads.js';

const user = { id: 'U0AGENT001', username: 'ana', team_id: 'T0FAKETEAM' };

describe('interaction payloads', () => {
  it('takes its own shortcuts, views and the Send template button, and leaves every other payload alone', () => {
    expect(parseInteraction({ type: 'shortcut', callback_id: 'switchboard_start', trigger_id: '1.2.a', user })).toMatchObject({ type: 'shortcut' });
    expect(parseInteraction({ type: 'shortcut', callback_id: 'someone_elses', trigger_id: '1.2.a', user })).toBeUndefined();
    const view = (callback_id: string) => ({ id: 'V1', callback_id, private_metadata: '{}', hash: 'h', state: { values: { phone: { phone: { type: 'plain_text_input', value: '+1 650 555 1234' } } } } });
    expect(parseInteraction({ type: 'view_submission', user, view: view('switchboard_start') })).toMatchObject({ type: 'view_submission', viewId: 'V1', values: { phone: { phone: { value: '+1 650 555 1234' } } } });
    // A card action's own modal (another feature's) is not taken.
    expect(parseInteraction({ type: 'view_submission', user, view: view('switchboard_resolve') })).toBeUndefined();
    const click = (action_id: string) => ({
      type: 'block_actions',
      user,
      trigger_id: '1.2.b',
      container: { type: 'message', message_ts: '1700000000.000200', channel_id: 'C0123456789', thread_ts: '1700000000.000100' },
      channel: { id: 'C0123456789' },
      message: { ts: '1700000000.000200', thread_ts: '1700000000.000100' },
      actions: [{ action_id, value: '16505551234', action_ts: '1.1' }],
    });
    expect(parseInteraction(click('switchboard_send_template'))).toEqual({ type: 'template_button', user: 'U0AGENT001', triggerId: '1.2.b', channel: 'C0123456789', messageTs: '1700000000.000200', threadTs: '1700000000.000100', value: '16505551234' });
    expect(parseInteraction(click('switchboard_claim'))).toBeUndefined();
    // The card's Resolve (on the card itself, a top-level message) opens its modal; its other buttons go to the queue.
    const onCard = (action_id: string) => ({ ...click(action_id), container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0123456789' }, message: { ts: '1700000000.000100' } });
    expect(parseInteraction(onCard('switchboard_resolve'))).toEqual({ type: 'resolve_button', user: 'U0AGENT001', triggerId: '1.2.b', channel: 'C0123456789', messageTs: '1700000000.000100' });
    expect(parseInteraction(onCard('switchboard_waiting'))).toBeUndefined();
    expect(parseInteraction({ type: 'view_submission', user, view: view('switchboard_resolve_modal') })).toMatchObject({ type: 'view_submission', callbackId: 'switchboard_resolve_modal' });
    const overflow = { type: 'block_actions', user, trigger_id: '1.2.c', container: { type: 'view', view_id: 'V2' }, view: { ...view('switchboard_home'), type: 'home' }, actions: [{ action_id: 'switchboard_reply_menu', selected_option: { value: 'delete:welcome' } }] };
    expect(parseInteraction(overflow)).toMatchObject({ type: 'view_action', viewType: 'home', actionId: 'switchboard_reply_menu', value: 'delete:welcome', triggerId: '1.2.c' });
  });

  it('reads /whatsapp (and only it) from a slash command’s fields', () => {
    expect(parseCommand({ command: '/whatsapp', text: '  reply   welcome ', user_id: 'U1', channel_id: 'C1', trigger_id: 't' })).toEqual({ type: 'command', text: 'reply   welcome', user: 'U1', channel: 'C1', triggerId: 't' });
    expect(parseCommand({ command: '/other', text: '', user_id: 'U1', channel_id: 'C1', trigger_id: 't' })).toBeUndefined();
  });
});
