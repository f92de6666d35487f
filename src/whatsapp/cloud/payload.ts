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

/** A Business-scoped user id (`US.13491208655302741918`, parent `US.ENT.…`): Meta documents up to 128 characters after the country. */
const bsuid = z.string().min(1).max(200);

/** Meta's error object, as in `errors[]` of unsupported messages and failed statuses. */
const cloudError = z.looseObject({
  code: z.number().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

const context = z
  .looseObject({ from: z.string().optional(), id: z.string().optional(), forwarded: z.boolean().optional(), frequently_forwarded: z.boolean().optional() })
  .optional();

/**
 * What a message says, keyed by its `type` (`…/webhooks/reference/messages/<type>`): shared by the
 * messages of the `messages` field, the new version inside an `edit`, and `smb_message_echoes`.
 */
const contentShape = {
  type: z.string().min(1),
  context,
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
        org: z.looseObject({ company: z.string().optional(), department: z.string().optional(), title: z.string().optional() }).optional(),
        addresses: z
          .array(
            z.looseObject({
              street: z.string().optional(),
              city: z.string().optional(),
              state: z.string().optional(),
              zip: z.string().optional(),
              country: z.string().optional(),
              type: z.string().optional(),
            }),
          )
          .optional(),
        urls: z.array(z.looseObject({ url: z.string().optional() })).optional(),
        birthday: z.string().optional(),
      }),
    )
    .optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string().optional(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string().optional(), title: z.string(), description: z.string().optional() }).optional(),
      /** WhatsApp Flows answers (`name: flow`) and address messages: `response_json` is a JSON object as a string. */
      nfm_reply: z.looseObject({ name: z.string().optional(), body: z.string().optional(), response_json: z.string().optional() }).optional(),
      /** Calling API: the contact's answer to a call permission request. */
      call_permission_reply: z
        .looseObject({ response: z.string(), is_permanent: z.boolean().optional(), expiration_timestamp: z.union([z.number(), z.string()]).optional() })
        .optional(),
    })
    .optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string() }).optional(),
  reaction: z.looseObject({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  order: z
    .looseObject({
      catalog_id: z.string().optional(),
      text: z.string().optional(),
      product_items: z
        .array(
          z.looseObject({
            product_retailer_id: z.string(),
            quantity: z.union([z.number(), z.string()]),
            item_price: z.union([z.number(), z.string()]).optional(),
            currency: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  system: z
    .looseObject({
      body: z.string().optional(),
      type: z.string().optional(),
      /** user_changed_number: the new number. */
      wa_id: z.string().optional(),
      /** The person's BSUID from now on (a new number brings a new one), and the one it replaces when Meta says. */
      user_id: bsuid.optional(),
      parent_user_id: bsuid.optional(),
      previous_user_id: bsuid.optional(),
    })
    .optional(),
  /** `unsupported` messages: what the contact sent, when Meta says (`poll_creation`, `edit`…). */
  unsupported: z.looseObject({ type: z.string().optional() }).optional(),
  /** Click-to-WhatsApp ads and posts: on the first message after the click. */
  referral: z
    .looseObject({
      source_url: z.string().optional(),
      source_id: z.string().optional(),
      source_type: z.string().optional(),
      headline: z.string().optional(),
      body: z.string().optional(),
      media_type: z.string().optional(),
      image_url: z.string().optional(),
      video_url: z.string().optional(),
      thumbnail_url: z.string().optional(),
    })
    .optional(),
  errors: z.array(cloudError).optional(),
};

const cloudContent = z.looseObject(contentShape);
export type CloudContent = z.infer<typeof cloudContent>;

const cloudMessageFields = z.looseObject({
  ...contentShape,
  /** The sender's number: absent for a username user whose number WhatsApp withholds. */
  from: z.string().min(1).optional(),
  /** The sender's BSUID (and parent BSUID), in every messages webhook since April 2026. */
  from_user_id: bsuid.optional(),
  from_parent_user_id: bsuid.optional(),
  id: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, { error: 'expected a Unix time in seconds' }),
  /** `…/messages/edit`: the contact changed `original_message_id`; `message` is its new version. */
  edit: z.looseObject({ original_message_id: z.string().min(1), message: cloudContent.optional() }).optional(),
  /** `…/messages/revoke`: the contact deleted `original_message_id` for everyone. */
  revoke: z.looseObject({ original_message_id: z.string().min(1) }).optional(),
});

type SystemFields = NonNullable<z.infer<typeof cloudMessageFields>['system']>;

/**
 * The BSUID a `user_changed_user_id` notice replaces: `previous_user_id` where Meta sends it, else
 * the one its body names ("User … changed from <old BSUID> to <new BSUID>").
 */
export function previousUserId(system: SystemFields | undefined): string | undefined {
  if (!system || system.type !== 'user_changed_user_id') return undefined;
  if (system.previous_user_id) return system.previous_user_id;
  const named = /changed from (\S+) to (\S+)\s*$/.exec(system.body ?? '');
  return named && BSUID_SHAPE.test(named[1]!) ? named[1] : undefined;
}

/** Two-letter country, a period, alphanumerics (a parent BSUID has `ENT.` between). */
export const BSUID_SHAPE = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/** Who sent it must be said: a number, a BSUID, or (a user id change) the id it replaces. */
export const cloudMessage = cloudMessageFields.refine((m) => Boolean(m.from || m.from_user_id || previousUserId(m.system)), {
  error: 'expected from or from_user_id',
  path: ['from'],
});

export const cloudStatus = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, { error: 'expected a Unix time in seconds' }),
  /** The recipient's number: absent when the message went to a BSUID and the number is withheld. */
  recipient_id: z.string().min(1).optional(),
  recipient_user_id: bsuid.optional(),
  recipient_parent_user_id: bsuid.optional(),
  errors: z
    .array(
      z.looseObject({
        code: z.number(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.looseObject({ details: z.string().optional() }).optional(),
        href: z.string().optional(),
      }),
    )
    .optional(),
  /** Billing of the message (`pricing_model`, `category`, `billable`); read, not shown (reactions say the state). */
  pricing: z.looseObject({ billable: z.boolean().optional(), pricing_model: z.string().optional(), category: z.string().optional(), type: z.string().optional() }).optional(),
  conversation: z.looseObject({ id: z.string().optional(), origin: z.looseObject({ type: z.string().optional() }).optional() }).optional(),
}).refine((s) => Boolean(s.recipient_id || s.recipient_user_id), { error: 'expected recipient_id or recipient_user_id', path: ['recipient_id'] });

const metadata = z.looseObject({ display_phone_number: z.string(), phone_number_id: z.string() });
/**
 * The sender as Meta describes them ("Business-scoped user IDs"): `wa_id` (the number) may be
 * withheld for a username user; `user_id` (BSUID) and `parent_user_id` come with every message
 * since April 2026; `profile.username` once the user adopted one.
 */
const contact = z
  .looseObject({
    wa_id: z.string().min(1).optional(),
    user_id: bsuid.optional(),
    parent_user_id: bsuid.optional(),
    profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
  })
  .refine((c) => Boolean(c.wa_id || c.user_id), { error: 'expected wa_id or user_id', path: ['wa_id'] });

/**
 * Only the skeleton of a delivery is checked as a whole: a body without it is not a webhook at all
 * (400). Each message, status, contact and metadata inside is checked on its own (see
 * parseCloudWebhook), so one malformed item never refuses the valid ones beside it.
 */
const envelope = z.looseObject({
  object: z.literal('whatsapp_business_account', { error: 'expected object "whatsapp_business_account"' }),
  entry: z.array(z.looseObject({ changes: z.array(z.looseObject({ field: z.string(), value: z.looseObject({}) })) })),
});

/** A change the bridge reads: its lists must be lists; what is in them is checked item by item. */
const messagesValue = z.looseObject({
  metadata: z.unknown().optional(),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  message_echoes: z.array(z.unknown()).optional(),
  user_preferences: z.array(z.unknown()).optional(),
  /** System-, app- and account-level errors (`…/webhooks/reference/messages`, "Errors"). */
  errors: z.array(z.unknown()).optional(),
});

/** The fields whose items the bridge shows; any other is acknowledged, counted and logged. */
export const READ_FIELDS = new Set(['messages', 'smb_message_echoes', 'user_preferences']);

/**
 * `smb_message_echoes` (`…/webhooks/reference/smb_message_echoes`): a message the business wrote in
 * the WhatsApp Business app or a linked device; `from` is the business, `to` the person.
 */
export const cloudEcho = cloudMessageFields
  .extend({ to: z.string().min(1).optional(), to_user_id: bsuid.optional() })
  .refine((m) => Boolean(m.to || m.to_user_id), { error: 'expected to or to_user_id', path: ['to'] });

/** `user_preferences` (`…/webhooks/reference/user_preferences`): the person stopped or resumed marketing messages. */
export const cloudPreference = z.looseObject({
  wa_id: z.string().min(1).optional(),
  user_id: bsuid.optional(),
  category: z.string().min(1),
  value: z.string().min(1),
  detail: z.string().optional(),
  timestamp: z.union([z.number(), z.string().regex(/^\d+$/)]),
}).refine((p) => Boolean(p.wa_id || p.user_id), { error: 'expected wa_id or user_id', path: ['wa_id'] });

export type CloudMessage = z.infer<typeof cloudMessage>;
export type CloudEcho = z.infer<typeof cloudEcho>;
export type CloudPreference = z.infer<typeof cloudPreference>;
export type CloudStatus = z.infer<typeof cloudStatus>;
export type CloudContact = z.infer<typeof contact>;
export type CloudMetadata = z.infer<typeof metadata>;

export type ItemKind = 'message' | 'status' | 'contact' | 'metadata' | 'echo' | 'preference';

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
  echoes: Array<Checked<CloudEcho>>;
  preferences: Array<Checked<CloudPreference>>;
  /** Value-level errors Meta reports (code and title only: they say nothing about a person). */
  errors: Array<{ code?: number; title?: string }>;
  /** A field the bridge does not show (history, smb_app_state_sync, account updates…): how many items it held. */
  unreadItems?: number;
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
      const metadataOf = (raw: unknown) => (raw === undefined ? {} : { metadata: check(metadata, raw, 'metadata', `${at}.metadata`) });
      const empty = { contacts: [], messages: [], statuses: [], echoes: [], preferences: [], errors: [] };
      if (!READ_FIELDS.has(change.field)) {
        // History, contact sync, account updates, template reviews…: acknowledged, not checked. The
        // number they are for is read, so another number's are told apart in the log.
        const v = change.value as Record<string, unknown>;
        const unreadItems = Object.values(v).reduce<number>((n, x) => n + (Array.isArray(x) ? x.length : 0), 0);
        const meta = metadataOf(v.metadata);
        changes.push({ field: change.field, ...(meta.metadata?.ok ? meta : {}), ...empty, unreadItems });
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
        ...metadataOf(v.metadata),
        contacts: each(v.contacts, contact, 'contact', 'contacts'),
        messages: each(v.messages, cloudMessage, 'message', 'messages'),
        statuses: each(v.statuses, cloudStatus, 'status', 'statuses'),
        echoes: each(v.message_echoes, cloudEcho, 'echo', 'message_echoes'),
        preferences: each(v.user_preferences, cloudPreference, 'preference', 'user_preferences'),
        errors: (v.errors ?? []).flatMap((raw) => {
          const e = cloudError.safeParse(raw);
          return e.success ? [{ ...(e.data.code !== undefined ? { code: e.data.code } : {}), ...(e.data.title ? { title: e.data.title.slice(0, 200) } : {}) }] : [];
        }),
      });
    }
  }
  return { ok: true, value: { changes } };
}
