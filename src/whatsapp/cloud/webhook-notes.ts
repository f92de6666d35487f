import type { Logger } from '../../logger.js';
import type { NormalisedWebhook } from './normalise.js';

/** Distinct keys remembered before the memory is reset (a flood of ids must not grow it forever). */
const MAX_REMEMBERED = 1000;

/**
 * What a delivery held that is not shown in Slack, logged once per kind (per phone number id, per
 * field, per status value) for the life of the process: Meta repeats them with every delivery, and
 * one line per message would bury the log. Only ids of the business and field names are logged,
 * never a person's number or words.
 */
export function createOnceLog(log: Logger) {
  const seen = new Set<string>();
  const once = (key: string, write: () => void) => {
    if (seen.has(key)) return;
    if (seen.size >= MAX_REMEMBERED) seen.clear();
    seen.add(key);
    write();
  };
  return {
    deliveryNotes(n: Pick<NormalisedWebhook, 'otherNumbers' | 'unread' | 'accountErrors' | 'unknownStatuses'>): void {
      for (const other of n.otherNumbers) {
        once(`number:${other.phoneNumberId}`, () =>
          log.warn(
            { phoneNumberId: other.phoneNumberId, items: other.items },
            'webhook for another phone number of the WhatsApp Business account (not WHATSAPP_PHONE_NUMBER_ID, nor a route of ROUTES_FILE): acknowledged, not shown; logged once per number',
          ),
        );
      }
      for (const u of n.unread) {
        once(`field:${u.field}`, () =>
          log.info({ field: u.field, items: u.items }, 'webhook field acknowledged, not shown in Slack (history, contact sync or account notices); logged once per field'),
        );
      }
      for (const e of n.accountErrors) {
        once(`error:${e.code ?? ''}:${e.title ?? ''}`, () => log.warn({ code: e.code, title: e.title }, 'WhatsApp reported an account-level error in a webhook'));
      }
      for (const status of n.unknownStatuses) once(`status:${status}`, () => log.info({ status }, 'unknown message status in a webhook: not shown'));
    },
  };
}
