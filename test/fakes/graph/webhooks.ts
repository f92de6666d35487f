/**
 * Status webhooks for messages the fake accepted, in the documented shape
 * (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status):
 * `entry[].changes[].value.statuses[]` = `{ id, status, timestamp, recipient_id, biz_opaque_callback_data?,
 * conversation?, pricing?, errors? }`. `biz_opaque_callback_data` is only there when the send had it.
 */
import { userKey } from './limits.js';

export type MessageStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** An entry of `statuses[].errors`. */
export interface StatusError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href?: string;
}

export interface StatusWebhookOptions {
  /** Unix seconds. Default now. */
  timestamp?: number;
  /** For `failed`: default the error the fake recorded for the message, else 131000. */
  errors?: StatusError[];
}

export interface StatusMeta {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

const ERRORS_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

export function statusError(code: number, title: string, details: string): StatusError {
  return { code, title, message: title, error_data: { details }, href: ERRORS_HREF };
}

export function buildStatusWebhook(
  meta: StatusMeta,
  msg: { wamid: string; to: string; body: Record<string, unknown>; asyncError: StatusError | undefined },
  status: MessageStatus,
  opts: StatusWebhookOptions = {},
): Record<string, unknown> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const opaque = msg.body.biz_opaque_callback_data;
  const billed = status === 'sent' || status === 'delivered';
  const entry = {
    id: msg.wamid,
    status,
    timestamp: String(timestamp),
    // Sent to a BSUID: the status names the recipient by it (its number only when Meta may share it).
    ...(msg.body.to === undefined && typeof msg.body.recipient === 'string' ? { recipient_user_id: msg.body.recipient } : { recipient_id: userKey(msg.to) }),
    ...(typeof opaque === 'string' ? { biz_opaque_callback_data: opaque } : {}),
    ...(billed
      ? {
          conversation: { id: `conv-${msg.wamid.slice(-12)}`, expiration_timestamp: String(timestamp + 86_400), origin: { type: 'service' } },
          pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
        }
      : {}),
    ...(status === 'failed'
      ? { errors: opts.errors ?? [msg.asyncError ?? statusError(131000, 'Something went wrong', 'Message failed to send.')] }
      : {}),
  };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: meta.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: meta.displayPhoneNumber, phone_number_id: meta.phoneNumberId },
              statuses: [entry],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}
