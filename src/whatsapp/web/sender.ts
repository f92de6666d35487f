import { createHash } from 'node:crypto';
import { WEB_CAPABILITIES } from '../capabilities.js';
import { BridgeError, OUTCOME_UNKNOWN } from '../../core/errors.js';
import type { SendOptions, WhatsAppSender } from '../../core/ports.js';
import { jidFor, userIdOf } from './jids.js';
import { mediaContent } from './outbound.js';
import type { WebConnection, WebSocketLike } from './socket.js';

/**
 * Replies over WhatsApp Web, sent at most once. What Baileys' `sendMessage` does (7.0.0-rc14,
 * Socket/messages-send.js and socket.js): it builds the message (uploading media), looks up the
 * recipient's devices and sessions (queries over the socket), encrypts, and writes one stanza with
 * the message's id; it returns once the stanza is written and does not wait for the server's ack
 * (that comes later as a status). So:
 *
 * - not connected before the call, or Boom 428 from it: nothing left. Baileys raises 428 only
 *   before the stanza is handed to the socket (sendRawMessage checks the socket is open first; a
 *   query before it lost its socket). Retried like anything else.
 * - a send that failed otherwise with the connection involved (408: a query or the stanza's own
 *   write did not finish in time; any error Baileys did not raise itself, such as the socket's
 *   write failing mid-frame or the key store's commit, which runs after the stanza was written)
 *   may have gone out: its outcome is unknown, and it is never repeated on its own.
 *
 * A send with a reference (`SendOptions.ref`, the bridge's effect key) goes out under an id derived
 * from it, so every attempt of that send is the same WhatsApp message, and a status for that id
 * (WhatsApp Web's statuses carry no reference) settles a doubt about it.
 */
export function createWebSender(connection: WebConnection, maxBytes: number): WhatsAppSender {
  const open = (): WebSocketLike => {
    const sock = connection.socket();
    if (!sock || connection.state() !== 'open') {
      throw new BridgeError(`WhatsApp Web is not connected (${connection.state()})`, { code: 'wa_web_not_connected', retryable: true });
    }
    return sock;
  };
  const jid = (to: string) => {
    try {
      return jidFor(to);
    } catch (cause) {
      throw new BridgeError('not a WhatsApp chat id', { code: 'wa_web_bad_recipient', retryable: false, cause });
    }
  };
  /** `repeatable`: sending it twice changes nothing (a reaction, an edit, a deletion), so an unknown outcome is retried. */
  async function send(to: string, content: Parameters<WebSocketLike['sendMessage']>[1], opts?: SendOptions & { repeatable?: boolean }): Promise<{ id: string }> {
    const target = jid(to);
    const sock = open();
    const messageId = opts?.ref ? messageIdFor(opts.ref, sock.user?.id) : undefined;
    let sent;
    try {
      sent = await sock.sendMessage(target, content, messageId ? { messageId } : undefined);
    } catch (err) {
      throw sendError(err, { messageId, repeatable: opts?.repeatable });
    }
    // Without a key we cannot tell whether it went out; retrying could send it twice.
    if (!sent?.key.id) throw new BridgeError('WhatsApp Web returned no message id', { code: 'wa_web_send_failed', retryable: false });
    return { id: sent.key.id };
  }
  /** Our own message, for an edit or a deletion. */
  const ownKey = (to: string, messageId: string) => ({ remoteJid: jid(to), id: messageId, fromMe: true });

  return {
    capabilities: WEB_CAPABILITIES,
    sendText: (to, body, opts) => send(to, { text: body }, opts),
    async sendMedia(to, media, opts) {
      return send(to, await mediaContent(media, maxBytes), opts);
    },
    sendReaction(to, messageId, emoji) {
      // In a group the reaction must name the message's author, which only the original key knows.
      const key = connection.inboundKey(messageId) ?? { remoteJid: jid(to), id: messageId, fromMe: false };
      return send(to, { react: { text: emoji, key } }, { repeatable: true });
    },
    sendTemplate: () =>
      Promise.reject(new BridgeError('WhatsApp Web has no message templates', { code: 'templates_unsupported', retryable: false })),
    async markRead(messageId) {
      // Only recent messages can be marked: the key needs the chat, which the id alone does not say.
      const key = connection.inboundKey(messageId);
      if (!key) return;
      try {
        await open().readMessages([key]);
      } catch (err) {
        throw sendError(err, { repeatable: true });
      }
    },
    editText: (to, messageId, body) => send(to, { text: body, edit: ownKey(to, messageId) }, { repeatable: true }),
    deleteMessage: (to, messageId) => send(to, { delete: ownKey(to, messageId) }, { repeatable: true }),
  };
}

/**
 * The WhatsApp message id of the send with this reference, from this account: the shape of
 * Baileys' own ids (generateMessageIDV2: "3EB0" and 18 upper-case hex digits, a SHA-256 prefix),
 * the same on every attempt. A send again under it is the same message sent again, as Baileys itself
 * does when a recipient's device asks for a message once more (a retry receipt: relayMessage with
 * the original id); whether a phone that already shows it hides the second copy is WhatsApp's, and
 * not relied on.
 */
export function messageIdFor(ref: string, account: string | undefined): string {
  const hash = createHash('sha256').update(`${userIdOf(account) ?? ''}\n${ref}`).digest('hex');
  return `3EB0${hash.toUpperCase().slice(0, 18)}`;
}

/** Boom 428 (connectionClosed): in the send path Baileys raises it only before the message is written. */
const NOT_WRITTEN = 428;
/** Boom status codes Baileys uses when the socket went away or did not answer in time. */
const CONNECTION_LOST = new Set([408, 440, 503, 515]);

function sendError(err: unknown, opts: { messageId?: string; repeatable?: boolean }): BridgeError {
  if (err instanceof BridgeError) return err;
  const status = (err as { output?: { statusCode?: number } } | null)?.output?.statusCode;
  const message = err instanceof Error ? err.message : String(err);
  if (status === NOT_WRITTEN) {
    return new BridgeError(`WhatsApp Web connection lost before the message left: ${message}`, { code: 'wa_web_not_connected', retryable: true, cause: err });
  }
  // The socket failed under the send, or something Baileys did not raise itself did (the write,
  // the key store's commit after it): the message may have gone out.
  if (status === undefined || CONNECTION_LOST.has(status)) {
    if (opts.repeatable) return new BridgeError(`WhatsApp Web connection lost: ${message}`, { code: 'wa_web_not_connected', retryable: true, cause: err });
    return new BridgeError(`WhatsApp Web send interrupted (${status ?? 'no status'}: ${message}); WhatsApp may or may not have taken it`, {
      code: OUTCOME_UNKNOWN,
      retryable: false,
      cause: err,
      messageId: opts.messageId,
    });
  }
  // A 4xx is WhatsApp refusing this message (bad recipient, not allowed): sending again will not help.
  // 500 is Baileys' own failure before relaying (every encryption failed, an upload failed, a query's error reply).
  return new BridgeError(`WhatsApp Web send failed: ${message}`, { code: 'wa_web_send_failed', retryable: status >= 500, cause: err });
}
