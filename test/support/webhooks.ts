/**
 * WhatsApp Cloud API webhook bodies in the documented shape (see test/fixtures/whatsapp-cloud),
 * with the ids, texts and times a test needs. Meta's example numbers only.
 */
export const WA_ID = '16505551234';

export function cloudWebhook(value: { contacts?: unknown[]; messages?: unknown[]; statuses?: unknown[] }) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** A text message from `from` (default WA_ID) sent at `timestamp` (Unix seconds). */
export function textWebhook(id: string, body: string, opts: { from?: string; name?: string; timestamp?: number } = {}) {
  const from = opts.from ?? WA_ID;
  return cloudWebhook({
    contacts: [{ profile: { name: opts.name ?? 'Sheena Nelson' }, wa_id: from }],
    messages: [{ from, id, timestamp: String(opts.timestamp ?? 1_749_416_383), type: 'text', text: { body } }],
  });
}

export function statusWebhook(id: string, status: string, opts: { errors?: unknown[]; recipient?: string; timestamp?: number } = {}) {
  return cloudWebhook({
    statuses: [
      {
        id,
        status,
        timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
        recipient_id: opts.recipient ?? WA_ID,
        ...(opts.errors ? { errors: opts.errors } : {}),
      },
    ],
  });
}
