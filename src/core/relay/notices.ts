import { isBridgeError, isOutcomeUnknown, errorMessage, type DeliveryFailure } from '../errors.js';
import { messages, type Locale, type Messages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { ChatSurface, EffectLog, SlackBlock } from '../ports.js';

/** action_id of the button that sends the configured template to reopen a conversation. */
export const SEND_TEMPLATE_ACTION = 'switchboard_send_template';

export interface ThreadPlace {
  channel: string;
  /** Absent: a top-level message in the channel (e.g. about the bridge itself, or before a card exists). */
  threadTs?: string;
}

/** Marks the bridge's notices, so one an attempt posted but did not record is found again. */
export const NOTICE_EVENT_TYPE = 'switchboard_notice';

/** Lines the bridge writes in a contact's thread, each at most once per key (retries repeat nothing). */
export interface Notices {
  /** Returns the post's ts (the one an earlier attempt made, when it did). */
  say(where: ThreadPlace, text: string, key: string, blocks?: SlackBlock[]): Promise<string>;
  /** Explains the closed 24-hour window, with a button that sends the template (when one is configured). */
  windowClosed(where: ThreadPlace, chatId: string, key: string): Promise<void>;
}

export function createNotices(deps: {
  chat: ChatSurface;
  effects: EffectLog;
  locale: Locale;
  templateName?: string;
  /** The button opens a picker of the account's templates (WHATSAPP_BUSINESS_ACCOUNT_ID): offered even without a default. */
  templatePicker?: boolean;
  /** Hashes a notice key into the marker its post carries (the key may hold ids; the marker is opaque). */
  marker(key: string): string;
  now(): number;
}): Notices {
  const m = messages(deps.locale);
  // Intent, post, result: an attempt that posted but died before recording leaves the intent, and the
  // next one looks for the post (by its marker) instead of posting it again.
  const say: Notices['say'] = async (where, text, key, blocks) => {
    const effect = `notice:${key}`;
    const done = await deps.effects.get(effect);
    if (done) return done;
    const intent = `intent:${effect}`;
    const begun = await deps.effects.get(intent);
    const notice = deps.marker(key);
    let ts: string | undefined;
    if (begun) {
      ts = await deps.chat.findPosted({ channel: where.channel, threadTs: where.threadTs, eventType: NOTICE_EVENT_TYPE, match: { notice }, since: Number(begun) });
    } else {
      await deps.effects.put(intent, String(deps.now()));
    }
    ts ??= (await deps.chat.postMessage({ channel: where.channel, threadTs: where.threadTs, text, blocks, metadata: { eventType: NOTICE_EVENT_TYPE, payload: { notice } } })).ts;
    await deps.effects.put(effect, ts);
    return ts;
  };
  return {
    say,
    async windowClosed(where, chatId, key) {
      const text = `:hourglass: ${m.windowClosed}`;
      if (!deps.templateName && !deps.templatePicker) {
        await say(where, `${text}\n${m.templateNotConfigured}`, key);
        return;
      }
      const blocks: SlackBlock[] = [
        { type: 'section', text: { type: 'mrkdwn', text } },
        {
          type: 'actions',
          block_id: 'reopen',
          elements: [
            {
              type: 'button',
              action_id: SEND_TEMPLATE_ACTION,
              text: { type: 'plain_text', text: m.sendTemplate },
              style: 'primary',
              value: chatId,
            },
          ],
        },
      ];
      await say(where, text, key, blocks);
    },
  };
}

/** What the transport said about a refused send (its vendor's code and whether the window closed). */
function deliveryFailure(err: unknown): DeliveryFailure | undefined {
  return isBridgeError(err) ? err.delivery : undefined;
}

/** Says in the thread why a reply did not go out, in words an agent can act on. */
export async function explainSendFailure(err: unknown, where: ThreadPlace, chatId: string, notices: Notices, m: Messages, key: string): Promise<void> {
  // Not "not sent": WhatsApp may have it. It is not sent again on its own.
  if (isOutcomeUnknown(err)) return void (await notices.say(where, `:grey_question: ${m.deliveryInDoubt}`, key));
  const failure = deliveryFailure(err);
  if (failure?.windowClosed) return notices.windowClosed(where, chatId, key);
  const code = failure?.code;
  const reason = code !== undefined ? m.deliveryError({ code }) : isBridgeError(err) && err.code === 'media_too_large' ? err.message : `${errorMessage(err).slice(0, 300)}`;
  await notices.say(where, `:x: ${m.replyNotSent({ reason: escapeMrkdwn(reason) })}`, key);
}
