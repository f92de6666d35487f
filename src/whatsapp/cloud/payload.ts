import { z } from 'zod';

/**
 * The shape of a Cloud API webhook, from Meta's Webhooks reference
 * (developers.facebook.com/docs/whatsapp/cloud-api/webhooks/reference/messages). Only what the
 * bridge relies on is required; unknown fields pass through, because Meta adds fields often and
 * a new field must never turn a delivery into a 400 (Meta would retry it for 7 days).
 */
const media = z.looseObject({
  id: z.string(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
  url: z.string().optional(),
});

export const cloudMessage = z.looseObject({
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, { error: 'expected a Unix time in seconds' }),
  type: z.string().min(1),
  context: z
    .looseObject({ from: z.string().optional(), id: z.string().optional(), forwarded: z.boolean().optional(), frequently_forwarded: z.boolean().optional() })
    .optional(),
  text: z.looseObject({ body: z.string() }).optional(),
  image: media.optional(),
  video: media.optional(),
  audio: media.optional(),
  document: media.optional(),
  sticker: media.optional(),
  location: z
    .looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional(), url: z.string().optional() })
    .optional(),
  contacts: z
    .array(
      z.looseObject({
        name: z.looseObject({ formatted_name: z.string().optional(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
        phones: z.array(z.looseObject({ phone: z.string().optional(), type: z.string().optional(), wa_id: z.string().optional() })).optional(),
        emails: z.array(z.looseObject({ email: z.string().optional() })).optional(),
        org: z.looseObject({ company: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string().optional(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string().optional(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string() }).optional(),
  reaction: z.looseObject({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  system: z.looseObject({ body: z.string().optional(), type: z.string().optional() }).optional(),
  errors: z.array(z.looseObject({ code: z.number().optional(), title: z.string().optional() })).optional(),
});

export const cloudStatus = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, { error: 'expected a Unix time in seconds' }),
  recipient_id: z.string().min(1),
  errors: z
    .array(
      z.looseObject({
        code: z.number(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.looseObject({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

const metadata = z.looseObject({ display_phone_number: z.string(), phone_number_id: z.string() });
const contact = z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string().optional() }).optional() });

/**
 * Only the skeleton of a delivery is checked as a whole: a body without it is not a webhook at all
 * (400). Each message, status, contact and metadata inside is checked on its own (see
 * parseCloudWebhook), so one malformed item never refuses the valid ones beside it.
 */
const envelope = z.looseObject({
  object: z.literal('whatsapp_business_account', { error: 'expected object "whatsapp_business_account"' }),
  entry: z.array(z.looseObject({ changes: z.array(z.looseObject({ field: z.string(), value: z.looseObject({}) })) })),
});

/** A `messages` change: its lists must be lists; what is in them is checked item by item. */
const messagesValue = z.looseObject({
  metadata: z.unknown().optional(),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

export type CloudMessage = z.infer<typeof cloudMessage>;
export type CloudStatus = z.infer<typeof cloudStatus>;
export type CloudContact = z.infer<typeof contact>;
export type CloudMetadata = z.infer<typeof metadata>;

export type ItemKind = 'message' | 'status' | 'contact' | 'metadata';

/** Why one item of a delivery was refused: the field path and zod's wording, never a value. */
export interface ItemIssue {
  kind: ItemKind;
  /** Where in the body, e.g. `entry.0.changes.0.value.messages.1`. */
  at: string;
  /** The first wrong field inside the item, e.g. `image.id` (empty: the item itself). */
  field: string;
  reason: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issue: ItemIssue; raw: unknown };

export interface CloudChange {
  field: string;
  metadata?: Checked<CloudMetadata>;
  contacts: Array<Checked<CloudContact>>;
  messages: Array<Checked<CloudMessage>>;
  statuses: Array<Checked<CloudStatus>>;
}

export interface CloudWebhook {
  changes: CloudChange[];
}

function check<T>(schema: z.ZodType<T>, raw: unknown, kind: ItemKind, at: string): Checked<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  return { ok: false, raw, issue: { kind, at, field: issue.path.join('.'), reason: issue.message } };
}

/** Parses a webhook body item by item, or returns a reason fit for a 400 answer when it is not a webhook. */
export function parseCloudWebhook(body: unknown): { ok: true; value: CloudWebhook } | { ok: false; reason: string } {
  const result = envelope.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return { ok: false, reason: `not a WhatsApp Business Account webhook: ${where}: ${issue.message}` };
  }
  const changes: CloudChange[] = [];
  for (const [e, entry] of result.data.entry.entries()) {
    for (const [c, change] of entry.changes.entries()) {
      const at = `entry.${e}.changes.${c}.value`;
      if (change.field !== 'messages') {
        // Account updates, template reviews…: not the bridge's business, and not checked.
        changes.push({ field: change.field, contacts: [], messages: [], statuses: [] });
        continue;
      }
      const value = messagesValue.safeParse(change.value);
      if (!value.success) {
        const issue = value.error.issues[0]!;
        return { ok: false, reason: `not a WhatsApp Business Account webhook: ${[at, ...issue.path].join('.')}: ${issue.message}` };
      }
      const v = value.data;
      const each = <T>(items: unknown[] | undefined, schema: z.ZodType<T>, kind: ItemKind, name: string) =>
        (items ?? []).map((raw, i) => check(schema, raw, kind, `${at}.${name}.${i}`));
      changes.push({
        field: change.field,
        ...(v.metadata === undefined ? {} : { metadata: check(metadata, v.metadata, 'metadata', `${at}.metadata`) }),
        contacts: each(v.contacts, contact, 'contact', 'contacts'),
        messages: each(v.messages, cloudMessage, 'message', 'messages'),
        statuses: each(v.statuses, cloudStatus, 'status', 'statuses'),
      });
    }
  }
  return { ok: true, value: { changes } };
}
