import { proto, type MessageUserReceiptUpdate, type WAMessageKey, type WAMessageUpdate } from 'baileys';
import type { DeliveryStatus, StatusUpdate } from '../../core/model.js';
import { isGroupJid, userIdOf } from './jids.js';
import { numberOf } from './proto-values.js';

const { Status } = proto.WebMessageInfo;

/** Baileys' message states; PENDING (not yet acknowledged by the server) is not reported. */
const STATUSES: Partial<Record<number, DeliveryStatus>> = {
  [Status.ERROR]: 'failed',
  [Status.SERVER_ACK]: 'sent',
  [Status.DELIVERY_ACK]: 'delivered',
  [Status.READ]: 'read',
  // A voice note or video was played: it was read.
  [Status.PLAYED]: 'read',
};

/**
 * The chat a receipt belongs to, named as the inbound side names it: the status job runs in the
 * contact's lane, so it must be the same id.
 */
function chatOf(key: WAMessageKey): string | undefined {
  if (isGroupJid(key.remoteJid)) return key.remoteJid ?? undefined;
  return userIdOf(key.remoteJid, key.remoteJidAlt);
}

/**
 * A `messages.update` entry as a delivery status, for messages we sent only (receipts for
 * incoming messages are our own devices reading them). Edits and deletions also arrive as
 * updates; they are handled from `messages.upsert` instead and ignored here.
 */
export function mapStatusUpdate(u: WAMessageUpdate, now: () => number = Date.now): StatusUpdate | undefined {
  const { key, update } = u;
  if (!key.fromMe || !key.id || update.status === undefined || update.status === null) return undefined;
  const raw = update.status as unknown;
  const status = STATUSES[typeof raw === 'string' ? Status[raw as keyof typeof Status] : (raw as number)];
  const recipient = chatOf(key);
  if (!status || !recipient) return undefined;
  const seconds = numberOf(update.messageTimestamp);
  const out: StatusUpdate = { messageId: key.id, status, timestamp: seconds ? seconds * 1000 : now(), recipient };
  if (status === 'failed') {
    // Baileys puts the server's error code (e.g. 463, 479) and sometimes a reason here.
    const [code, reason] = ((update.messageStubParameters ?? []) as unknown[]).map(String);
    out.errors = [{ code: Number(code) || 0, title: `WhatsApp Web error ${code ?? 'unknown'}`, ...(reason ? { message: reason } : {}) }];
  }
  return out;
}

/**
 * Group messages get a receipt per participant (`message-receipt.update`) instead: the first
 * delivery or read moves the state, later ones are duplicates the intake drops.
 */
export function mapUserReceipt(r: MessageUserReceiptUpdate): StatusUpdate | undefined {
  const { key, receipt } = r;
  if (!key.fromMe || !key.id) return undefined;
  const recipient = chatOf(key);
  if (!recipient) return undefined;
  const read = numberOf(receipt.readTimestamp) ?? numberOf(receipt.playedTimestamp);
  if (read) return { messageId: key.id, status: 'read', timestamp: read * 1000, recipient };
  const delivered = numberOf(receipt.receiptTimestamp);
  if (delivered) return { messageId: key.id, status: 'delivered', timestamp: delivered * 1000, recipient };
  return undefined;
}
