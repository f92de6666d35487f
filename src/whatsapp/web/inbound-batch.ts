import type { BaileysEventMap, WAMessage, WAMessageKey } from 'baileys';
import type { StatusUpdate } from '../../core/model.js';
import type { InboundEnvelope } from '../../core/relay/inbound.js';
import type { Logger } from '../../logger.js';
import { mapInbound } from './map-inbound.js';
import { mapStatusUpdate, mapUserReceipt } from './map-status.js';
import type { Profiles } from './profiles.js';
import type { WebSocketLike } from './socket-factory.js';

export interface InboundBatch {
  envelopes: InboundEnvelope[];
  statuses: StatusUpdate[];
}

const RECENT_KEYS = 5_000;

/**
 * Turns one batch of Baileys events into what the intake records, and remembers the keys of
 * recent inbound messages: marking one read, or reacting to it in a group, needs the whole key
 * (chat and author), which the relay does not keep.
 */
export function createInboundBatcher(log: Logger, profiles: Profiles) {
  const recent = new Map<string, WAMessageKey>();

  function remember(key: WAMessageKey) {
    if (!key.id || key.fromMe) return;
    recent.delete(key.id);
    recent.set(key.id, { remoteJid: key.remoteJid, id: key.id, fromMe: false, ...(key.participant ? { participant: key.participant } : {}) });
    if (recent.size > RECENT_KEYS) recent.delete(recent.keys().next().value!);
  }

  return {
    inboundKey: (id: string) => recent.get(id),

    async collect(s: WebSocketLike, events: Partial<BaileysEventMap>, businessNumber: string): Promise<InboundBatch> {
      const batch: InboundBatch = { envelopes: [], statuses: [] };
      // First, so a group renamed in this same batch gets its new name.
      profiles.observe(events);
      const upsert = events['messages.upsert'];
      // 'notify' arrived live, 'append' while we were offline; history sync is another event.
      if (upsert && (upsert.type === 'notify' || upsert.type === 'append')) {
        const mapped: { envelope: InboundEnvelope; key: WAMessageKey }[] = [];
        for (const m of upsert.messages) {
          const withNumbers = await withPhoneNumbers(s, m);
          const r = mapInbound(withNumbers, { businessNumber });
          if (r.kind === 'ignored') {
            log.debug({ id: m.key.id, reason: r.reason }, 'WhatsApp Web message ignored');
            continue;
          }
          mapped.push({ envelope: r.envelope, key: withNumbers.key });
          remember(m.key);
        }
        await profiles.enrich(s, mapped);
        batch.envelopes.push(...mapped.map((m) => m.envelope));
      }
      for (const u of events['messages.update'] ?? []) {
        const status = mapStatusUpdate(u);
        if (status) batch.statuses.push(status);
      }
      for (const r of events['message-receipt.update'] ?? []) {
        const status = mapUserReceipt(r);
        if (status) batch.statuses.push(status);
      }
      return batch;
    },
  };
}

/**
 * A LID hides the number. Baileys usually passes the number along (`…Alt`) and otherwise may
 * know it from earlier traffic; with it, the chat is keyed by the number, as on the Cloud API.
 */
async function withPhoneNumbers(s: WebSocketLike, m: WAMessage): Promise<WAMessage> {
  const lookup = async (jid: string | null | undefined, alt: string | null | undefined) => {
    if (!jid?.endsWith('@lid') || alt) return undefined;
    return (await s.signalRepository?.lidMapping?.getPNForLID(jid).catch(() => null)) ?? undefined;
  };
  const remoteJidAlt = await lookup(m.key.remoteJid, m.key.remoteJidAlt);
  const participantAlt = await lookup(m.key.participant, m.key.participantAlt);
  if (!remoteJidAlt && !participantAlt) return m;
  return { ...m, key: { ...m.key, ...(remoteJidAlt ? { remoteJidAlt } : {}), ...(participantAlt ? { participantAlt } : {}) } };
}
