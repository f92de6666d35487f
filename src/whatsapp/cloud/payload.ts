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

const change = z.looseObject({
  field: z.string(),
  value: z.looseObject({
    messaging_product: z.string().optional(),
    metadata: z.looseObject({ display_phone_number: z.string(), phone_number_id: z.string() }).optional(),
    contacts: z.array(z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
    messages: z.array(cloudMessage).optional(),
    statuses: z.array(cloudStatus).optional(),
  }),
});

export const cloudWebhook = z.looseObject({
  object: z.literal('whatsapp_business_account', { error: 'expected object "whatsapp_business_account"' }),
  entry: z.array(z.looseObject({ id: z.string(), changes: z.array(change) })),
});

export type CloudWebhook = z.infer<typeof cloudWebhook>;
export type CloudMessage = z.infer<typeof cloudMessage>;
export type CloudStatus = z.infer<typeof cloudStatus>;

/** Parses a webhook body, or returns a reason fit for a 400 answer. */
export function parseCloudWebhook(body: unknown): { ok: true; value: CloudWebhook } | { ok: false; reason: string } {
  const result = cloudWebhook.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
  return { ok: false, reason: `not a WhatsApp Business Account webhook: ${where}: ${issue.message}` };
}
