import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SlackEvent } from '../core/slack-events.js';
import { normaliseEventCallback, normaliseInteraction, type Normalised } from './normalise-event.js';

const FIXTURES = new URL('../../test/fixtures/slack/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as unknown;
const C = 'C0123456789';

const events = (...e: SlackEvent[]): Normalised => ({ ok: true, events: e, dropped: [] });
const dropped = (reason: string | RegExp): Normalised =>
  ({ ok: true, events: [], dropped: [typeof reason === 'string' ? reason : expect.stringMatching(reason)] }) as Normalised;

/** Every fixture and what it must become (see test/fixtures/slack/README.md for their sources). */
const EXPECTED: Record<string, { via: 'event' | 'interaction'; result: Normalised }> = {
  'url-verification.json': { via: 'event', result: { ok: false, reason: 'not an event_callback (type "url_verification")' } },
  'app-rate-limited.json': { via: 'event', result: { ok: false, reason: 'not an event_callback (type "app_rate_limited")' } },
  'message.json': {
    via: 'event',
    result: events({ kind: 'message', eventId: 'Ev0MSG00001', channel: C, user: 'U123ABC456', ts: '1355517523.000005', text: 'Hello world' }),
  },
  'message-thread-reply.json': {
    via: 'event',
    result: events({
      kind: 'message',
      eventId: 'Ev0MSG00002',
      channel: C,
      user: 'U222222222',
      ts: '1483037603.017503',
      threadTs: '1482960137.003543',
      text: 'Hi! We are looking into it.',
    }),
  },
  'message-file-share.json': {
    via: 'event',
    result: events({
      kind: 'message',
      eventId: 'Ev0FILE0001',
      channel: C,
      user: 'U061F7AUR',
      ts: '1529342088.000086',
      threadTs: '1529342000.000010',
      text: 'We got one!',
      subtype: 'file_share',
      // "bot_id": null in the payload: no botId.
      files: [
        {
          id: 'F0RDC39U1',
          name: 'ghostrap.png',
          mimetype: 'image/png',
          filetype: 'png',
          size: 196920,
          urlPrivate: 'https://files.slack.com/files-pri/T061EG9R6-F0RDC39U1/ghostrap.png',
        },
      ],
    }),
  },
  'message-file-share-audio-clip.json': {
    via: 'event',
    result: events({
      kind: 'message',
      eventId: 'Ev0FILE0002',
      channel: C,
      user: 'U222222222',
      ts: '1700000101.000200',
      threadTs: '1700000000.000100',
      text: '',
      subtype: 'file_share',
      files: [
        {
          id: 'F0AUDIOCLIP',
          name: 'audio_message.webm',
          mimetype: 'audio/webm',
          filetype: 'webm',
          size: 48213,
          urlPrivate: 'https://files.slack.com/files-pri/T123ABC456-F0AUDIOCLIP/audio_message.webm',
          subtype: 'slack_audio',
        },
      ],
    }),
  },
  'message-thread-broadcast.json': {
    via: 'event',
    result: events({
      kind: 'message',
      eventId: 'Ev0BCAST001',
      channel: C,
      user: 'U123ABC456',
      ts: '1673464745.620769',
      threadTs: '1673464730.703009',
      text: 'broadcasting this reply',
      subtype: 'thread_broadcast',
    }),
  },
  'message-changed.json': {
    via: 'event',
    result: events({
      kind: 'message_changed',
      eventId: 'Ev0EDIT0001',
      channel: C,
      // The edited message's ts, not the event's own 1358878755.000001.
      ts: '1355517523.000005',
      threadTs: '1355517500.000001',
      user: 'U123ABC456',
      text: 'Hello, world!',
      previousText: 'Hello, wrold!',
    }),
  },
  'message-deleted.json': {
    via: 'event',
    result: events({ kind: 'message_deleted', eventId: 'Ev0DEL00001', channel: C, ts: '1358878749.000002' }),
  },
  'message-deleted-with-previous.json': {
    via: 'event',
    result: events({
      kind: 'message_deleted',
      eventId: 'Ev0DEL00002',
      channel: C,
      ts: '1358878749.000002',
      threadTs: '1358878700.000001',
      user: 'U222222222',
    }),
  },
  'message-bot.json': {
    via: 'event',
    result: events({
      kind: 'message',
      eventId: 'Ev0BOT00001',
      channel: C,
      user: '',
      botId: 'BB12033',
      ts: '1358877455.000010',
      text: 'Pushing is the answer',
      subtype: 'bot_message',
    }),
  },
  'message-channel-join.json': {
    via: 'event',
    result: events({
      kind: 'message',
      eventId: 'Ev0JOIN0001',
      channel: C,
      user: 'U2147483828',
      ts: '1358877458.000011',
      text: '<@U2147483828|cal> has joined the channel',
      subtype: 'channel_join',
    }),
  },
  'reaction-added.json': {
    via: 'event',
    result: events({ kind: 'reaction_added', eventId: 'Ev0REACT001', channel: C, user: 'U123ABC456', itemTs: '1360782400.498405', reaction: 'thumbsup' }),
  },
  'reaction-removed.json': {
    via: 'event',
    result: events({ kind: 'reaction_removed', eventId: 'Ev0REACT002', channel: C, user: 'U123ABC456', itemTs: '1360782400.498405', reaction: 'thumbsup' }),
  },
  'reaction-added-file.json': { via: 'event', result: dropped('reaction_added on a "file" item, not a message') },
  'block-actions.json': {
    via: 'interaction',
    result: events({
      kind: 'action',
      eventId: `action:${C}:1548261231.000200:WaXA:1548426417.840180`,
      channel: C,
      actionId: 'WaXA',
      value: 'click_me_123',
      user: 'U123ABC456',
      messageTs: '1548261231.000200',
      threadTs: '1548261200.000100',
    }),
  },
};

describe('normalising the documented payloads', () => {
  it('has an expectation for every fixture file', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (name, { via, result }) => {
    const body = fixture(name);
    const got = via === 'event' ? normaliseEventCallback(body) : normaliseInteraction(body);
    // toStrictEqual: no stray undefined fields either (what is recorded is JSON).
    expect(got).toStrictEqual(result);
  });
});

describe('normaliseEventCallback', () => {
  const wrap = (event: unknown, extra: Record<string, unknown> = {}) => ({ type: 'event_callback', event_id: 'Ev1', event, ...extra });

  it.each([
    [null, 'body is not a JSON object'],
    [[1, 2], 'body is not a JSON object'],
    [{ type: 'event_callback', event: { type: 'message' } }, 'event_callback without event_id'],
    [{ type: 'event_callback', event_id: 'Ev1' }, 'event_callback without an event object'],
    [{ type: 'event_callback', event_id: 'Ev1', event: 'message' }, 'event_callback without an event object'],
  ])('refuses %j: %s', (body, reason) => {
    expect(normaliseEventCallback(body)).toEqual({ ok: false, reason });
  });

  it('drops event types the bridge does not handle, saying which', () => {
    expect(normaliseEventCallback(wrap({ type: 'app_mention', channel: C, ts: '1.2' }))).toEqual(dropped('event type "app_mention" is not one the bridge handles'));
  });

  it.each([
    [{ type: 'message', ts: '1.2', text: 'x' }, 'message event without channel'],
    [{ type: 'message', channel: C, text: 'x' }, 'message event without ts'],
    [{ type: 'message', subtype: 'message_changed', channel: C, ts: '9.9' }, 'message_changed without message.ts'],
    [{ type: 'message', subtype: 'message_deleted', channel: C, ts: '9.9' }, 'message_deleted without deleted_ts'],
    [{ type: 'reaction_added', user: 'U1', item: { type: 'message', channel: C, ts: '1.2' } }, /reaction_added without/],
  ])('drops a malformed known event %j', (event, reason) => {
    expect(normaliseEventCallback(wrap(event))).toEqual(dropped(reason));
  });

  it('takes the author of an edit from the edited message, including a bot_id', () => {
    const r = normaliseEventCallback(
      wrap({ type: 'message', subtype: 'message_changed', hidden: true, channel: C, ts: '9.9', message: { bot_id: 'B1', ts: '1.2', text: 'new' } }),
    );
    expect(r).toStrictEqual(events({ kind: 'message_changed', eventId: 'Ev1', channel: C, ts: '1.2', botId: 'B1', text: 'new' }));
  });

  it('leaves out file stubs that carry no url_private (Slack Connect check_file_info)', () => {
    const r = normaliseEventCallback(
      wrap({
        type: 'message',
        subtype: 'file_share',
        channel: C,
        user: 'U1',
        ts: '1.2',
        text: '',
        files: [{ id: 'F12345678', mode: 'file_access', file_access: 'check_file_info' }, 'junk'],
      }),
    );
    expect(r).toStrictEqual(events({ kind: 'message', eventId: 'Ev1', channel: C, user: 'U1', ts: '1.2', text: '', subtype: 'file_share' }));
  });

  it('keeps skin-tone reactions as Slack names them', () => {
    const r = normaliseEventCallback(wrap({ type: 'reaction_added', user: 'U1', reaction: 'heart::skin-tone-2', item: { type: 'message', channel: C, ts: '1.2' } }));
    expect(r.ok && r.events[0]).toMatchObject({ reaction: 'heart::skin-tone-2' });
  });
});

describe('normaliseInteraction', () => {
  const base = {
    type: 'block_actions',
    user: { id: 'U1' },
    container: { type: 'message', message_ts: '5.5', channel_id: C, is_ephemeral: false },
    channel: { id: C, name: 'support' },
    message: { ts: '5.5', thread_ts: '4.4' },
  };

  it('gives one event per action, each with its own id', () => {
    const r = normaliseInteraction({
      ...base,
      actions: [
        { action_id: 'a', value: 'v1', type: 'button', action_ts: '6.1' },
        { action_id: 'b', type: 'static_select', selected_option: { value: 'opt' }, action_ts: '6.2' },
      ],
    });
    expect(r).toStrictEqual(
      events(
        { kind: 'action', eventId: `action:${C}:5.5:a:6.1`, channel: C, actionId: 'a', value: 'v1', user: 'U1', messageTs: '5.5', threadTs: '4.4' },
        { kind: 'action', eventId: `action:${C}:5.5:b:6.2`, channel: C, actionId: 'b', value: 'opt', user: 'U1', messageTs: '5.5', threadTs: '4.4' },
      ),
    );
  });

  it('gives the same id to a repeat of the same click and another id to a second click', () => {
    const click = (ts: string) => normaliseInteraction({ ...base, actions: [{ action_id: 'a', value: 'v', action_ts: ts }] });
    const id = (r: Normalised) => (r.ok ? r.events[0]?.eventId : undefined);
    expect(id(click('6.1'))).toBe(id(click('6.1')));
    expect(id(click('6.1'))).not.toBe(id(click('7.1')));
  });

  it('falls back to the container for the channel and thread', () => {
    const r = normaliseInteraction({
      type: 'block_actions',
      user: { id: 'U1' },
      container: { type: 'message', message_ts: '5.5', channel_id: C, thread_ts: '4.4' },
      actions: [{ action_id: 'a', value: 'v', action_ts: '6.1' }],
    });
    expect(r.ok && r.events[0]).toMatchObject({ channel: C, messageTs: '5.5', threadTs: '4.4' });
  });

  it('drops other interaction types and actions outside messages', () => {
    expect(normaliseInteraction({ type: 'view_submission', user: { id: 'U1' } })).toEqual(dropped('interaction type "view_submission" is not one the bridge handles'));
    expect(
      normaliseInteraction({ type: 'block_actions', user: { id: 'U1' }, container: { type: 'view', view_id: 'V1' }, actions: [{ action_id: 'a', action_ts: '1' }] }),
    ).toEqual(dropped(/outside a channel message/));
    expect(normaliseInteraction({ ...base, actions: [] })).toEqual(dropped('block_actions without actions'));
  });

  it.each([
    ['not json', 'interaction payload is not a JSON object'],
    [{ user: { id: 'U1' } }, 'interaction payload without type'],
    [{ ...base, user: {} }, 'block_actions without user.id'],
  ])('refuses %j', (payload, reason) => {
    expect(normaliseInteraction(payload)).toEqual({ ok: false, reason });
  });
});
