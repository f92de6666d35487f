import { BridgeError, isBridgeError, isOutcomeUnknown, MediaTooLargeError } from '../errors.js';
import { messages, type Locale } from '../format/i18n.js';
import { agentPrefix, mrkdwnToWhatsApp } from '../format/mrkdwn-to-whatsapp.js';
import { splitForWhatsApp } from '../format/split.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import { classifyOutboundFile, VOICE_MIMETYPE } from '../outbound-media.js';
import type { ChatSurface, ContactRecord, ContactStore, EffectLog, MessageMap, SendOptions, WhatsAppSender } from '../ports.js';
import { IN_DOUBT, markInDoubt } from './doubtful-sends.js';
import type { SlackFileRef, SlackMessageEvent } from '../slack-events.js';
import { explainSendFailure, type Notices } from './notices.js';
import { replyAddress } from './address.js';

const WINDOW_MS = 24 * 60 * 60_000;

/** Converts a recorded voice clip to OGG/Opus (ffmpeg); absent when ffmpeg is not installed. */
export interface VoiceConverter {
  toOggOpus(data: AsyncIterable<Uint8Array> | Uint8Array, maxBytes: number): Promise<Uint8Array>;
}

export interface OutboundDeps {
  locale: Locale;
  contacts: ContactStore;
  messages: MessageMap;
  effects: EffectLog;
  chat: ChatSurface;
  sender: WhatsAppSender;
  notices: Notices;
  /** Thread messages starting with this stay in Slack (case-insensitive). */
  notePrefix: string;
  /** Prefix replies with the agent's name, as the earlier tool did. */
  signReplies: boolean;
  voice?: VoiceConverter;
  emojiFromName(name: string): string | undefined;
  now(): number;
}

/**
 * An agent's message in a contact's thread goes to the contact: text (converted from Slack
 * markup, signed, split at WhatsApp's limit) and then each file as the right media type. Each
 * send is recorded under the Slack event, so a retry never sends twice what already went out.
 */
export type AgentMessageOutcome = 'sent' | 'note' | 'not-sent' | 'in-doubt';

export async function relayAgentMessage(
  event: SlackMessageEvent,
  chatId: string,
  deps: OutboundDeps,
  opts: { resend?: boolean } = {},
): Promise<AgentMessageOutcome> {
  const m = messages(deps.locale);
  const contact = await deps.contacts.get(chatId);
  if (!contact?.cardTs) throw new BridgeError('no contact card for this conversation', { code: 'unknown_contact', retryable: false });
  const where = { channel: event.channel, threadTs: contact.cardTs, agentTs: event.ts };

  if (isInternalNote(event.text, deps.notePrefix)) {
    await deps.chat.addReaction(event.channel, event.ts, 'lock');
    return 'note';
  }
  if (deps.sender.capabilities.serviceWindow && serviceWindowClosed(contact, deps.now())) {
    await deps.notices.windowClosed(where, chatId, `window:${event.eventId}`);
    await deps.chat.addReaction(event.channel, event.ts, 'warning');
    return 'not-sent';
  }

  const text = await composeText(event, deps);
  const sends: Array<{ key: string; send: (o: SendOptions) => Promise<{ id: string }> }> = [];
  if (text) {
    for (const [i, part] of splitForWhatsApp(text).entries()) {
      sends.push({ key: `send:${event.eventId}:text:${i}`, send: (o) => deps.sender.sendText(replyAddress(contact), part, o) });
    }
  }
  const files = event.files ?? [];
  for (const file of files) {
    const prepared = await prepareFile(file, replyAddress(contact), deps, where, event.eventId);
    if (prepared) sends.push({ key: `send:${event.eventId}:file:${file.id}`, send: prepared });
  }

  for (const { key, send } of sends) {
    const done = await deps.effects.get(key);
    // A send in doubt is repeated only when an agent asked for it (Send again).
    if (done && !(opts.resend && done === IN_DOUBT)) continue;
    let sent: { id: string };
    try {
      sent = await send({ ref: key });
    } catch (err) {
      if (isOutcomeUnknown(err)) {
        // The later parts wait with it: sent after it, they could arrive before it.
        await markInDoubt(event, chatId, key, deps, { channel: where.channel, threadTs: where.threadTs }, err.messageId);
        return 'in-doubt';
      }
      if (isBridgeError(err) && err.retryable) throw err;
      await explainSendFailure(err, where, chatId, deps.notices, m, `fail:${key}`);
      await deps.chat.addReaction(event.channel, event.ts, 'x');
      return 'not-sent';
    }
    await deps.effects.put(key, sent.id);
    await deps.messages.link({ waMessageId: sent.id, chatId, direction: 'out', slackChannel: event.channel, slackTs: event.ts, excerpt: excerptOf(event.text) });
  }
  if (sends.length === 0) return 'not-sent';
  // An answer means the contact's messages were read: blue ticks on their side. Best effort: a
  // receipt that fails is not worth failing (and retrying) a reply that went out.
  const last = await deps.messages.latestInbound(chatId);
  if (last) await deps.sender.markRead(last.waMessageId).catch(() => undefined);
  return 'sent';
}

export function isInternalNote(text: string, prefix: string): boolean {
  return prefix !== '' && text.trimStart().toLowerCase().startsWith(prefix.toLowerCase());
}

/** The Cloud API's 24-hour customer service window: closed when the contact has not written within it. */
export function serviceWindowClosed(contact: Pick<ContactRecord, 'lastInboundAt'>, now: number): boolean {
  return contact.lastInboundAt === undefined || now - contact.lastInboundAt > WINDOW_MS;
}

async function composeText(event: SlackMessageEvent, deps: OutboundDeps): Promise<string> {
  const ids = [...event.text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((x) => x[1]!);
  const names = new Map<string, string>();
  for (const id of new Set(ids)) names.set(id, await deps.chat.userName(id).catch(() => id));
  // Channel mentions without a label (`<#C123>`) need a look-up; labelled ones carry their name.
  const channelIds = [...event.text.matchAll(/<#([CG][A-Z0-9]+)>/g)].map((x) => x[1]!);
  const channels = new Map<string, string>();
  for (const id of new Set(channelIds)) {
    const name = await deps.chat.channelName(id).catch(() => undefined);
    if (name) channels.set(id, name);
  }
  const body = mrkdwnToWhatsApp(event.text, {
    userName: (id) => names.get(id),
    channelName: (id) => channels.get(id),
    emoji: deps.emojiFromName,
  }).trim();
  if (!body) return '';
  return deps.signReplies ? agentPrefix(await deps.chat.userName(event.user).catch(() => event.user)) + body : body;
}

type Where = { channel: string; threadTs: string; agentTs: string };

/** Downloads (and converts) one file, or explains in the thread why it cannot be sent. */
async function prepareFile(
  file: SlackFileRef,
  to: string,
  deps: OutboundDeps,
  where: Where,
  eventId: string,
): Promise<((o: SendOptions) => Promise<{ id: string }>) | undefined> {
  const m = messages(deps.locale);
  const plan = classifyOutboundFile(file, { ffmpegAvailable: deps.voice !== undefined, rules: deps.sender.capabilities.media });
  const name = escapeMrkdwn(file.name);
  if ('tooLarge' in plan) {
    await deps.notices.say(where, `:warning: ${m.fileTooLargeForWhatsApp({ name, size: file.size, limit: plan.limitBytes })}`, `toolarge:${eventId}:${file.id}`);
    return undefined;
  }
  const download = async () => {
    try {
      return await deps.chat.downloadFile(file.urlPrivate, plan.limitBytes);
    } catch (err) {
      if (err instanceof MediaTooLargeError) {
        throw new BridgeError(m.fileTooLargeForWhatsApp({ name, size: err.size ?? file.size, limit: plan.limitBytes }), { code: 'media_too_large', retryable: false });
      }
      throw err;
    }
  };
  return async (o) => {
    if (plan.convertToVoice && deps.voice) {
      let ogg: Uint8Array | undefined;
      try {
        ogg = await deps.voice.toOggOpus((await download()).data, plan.limitBytes);
      } catch (err) {
        // A clip ffmpeg cannot read from a pipe still goes out, as a file the contact can open.
        if (!(isBridgeError(err) && err.code === 'voice_conversion_failed')) throw err;
      }
      if (ogg) return deps.sender.sendMedia(to, { kind: 'audio', mimeType: VOICE_MIMETYPE, fileName: file.name.replace(/\.[^.]+$/, '') + '.ogg', data: ogg }, o);
      return deps.sender.sendMedia(to, { kind: 'document', mimeType: file.mimetype, fileName: file.name, data: (await download()).data }, o);
    }
    return deps.sender.sendMedia(to, { kind: plan.kind, mimeType: file.mimetype, fileName: file.name, data: (await download()).data }, o);
  };
}

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= 200 ? flat : `${flat.slice(0, 199)}…`;
}
