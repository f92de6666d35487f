import type { Content, FlowField, FlowReplyContent, MediaKind, OrderItem, Referral } from '../../core/model.js';
import type { CloudContent, CloudMessage } from './payload.js';

const MEDIA_TYPES: Record<string, MediaKind> = { image: 'image', video: 'video', audio: 'audio', document: 'document', sticker: 'sticker' };

/** A Cloud API message body, by its `type` (`…/webhooks/reference/messages/<type>`), as normalised content. */
export function toContent(m: CloudContent & Partial<Pick<CloudMessage, 'edit' | 'revoke'>>): Content {
  const mediaKind = MEDIA_TYPES[m.type];
  if (mediaKind) {
    const media = m[m.type as 'image' | 'video' | 'audio' | 'document' | 'sticker'];
    if (media) {
      return {
        kind: 'media',
        mediaKind: mediaKind === 'audio' && media.voice ? 'voice' : mediaKind,
        mediaId: media.id,
        mimeType: media.mime_type ?? 'application/octet-stream',
        caption: media.caption,
        fileName: media.filename,
        sha256: media.sha256,
        animated: media.animated,
      };
    }
  }
  switch (m.type) {
    case 'text':
      if (m.text) return { kind: 'text', body: m.text.body };
      break;
    case 'location':
      if (m.location) return { kind: 'location', ...m.location };
      break;
    case 'contacts':
      if (m.contacts) {
        return {
          kind: 'contacts',
          contacts: m.contacts.map((c) => ({
            name: c.name?.formatted_name ?? [c.name?.first_name, c.name?.last_name].filter(Boolean).join(' '),
            phones: (c.phones ?? []).filter((p) => p.phone).map((p) => ({ phone: p.phone!, type: p.type, waId: p.wa_id })),
            emails: (c.emails ?? []).map((e) => e.email).filter((e): e is string => Boolean(e)),
            org: c.org?.company,
            ...optional('title', [c.org?.title, c.org?.department].filter(Boolean).join(', ')),
            ...optional('addresses', (c.addresses ?? []).map((a) => [a.street, a.city, a.state, a.zip, a.country].filter(Boolean).join(', ')).filter(Boolean)),
            ...optional('urls', (c.urls ?? []).map((u) => u.url).filter((u): u is string => Boolean(u))),
            ...optional('birthday', c.birthday),
          })),
        };
      }
      break;
    case 'interactive':
      if (m.interactive) return interactiveContent(m.interactive);
      break;
    case 'button':
      // A quick-reply button of a template message we sent.
      if (m.button) return { kind: 'interactive', replyKind: 'quick_reply', id: m.button.payload, title: m.button.text };
      break;
    case 'reaction':
      if (m.reaction) return { kind: 'reaction', targetId: m.reaction.message_id, emoji: m.reaction.emoji ?? '' };
      break;
    case 'order':
      if (m.order) {
        return {
          kind: 'order',
          ...(m.order.catalog_id ? { catalogId: m.order.catalog_id } : {}),
          ...(m.order.text?.trim() ? { note: m.order.text } : {}),
          items: (m.order.product_items ?? []).map(orderItem),
        };
      }
      break;
    case 'edit':
      // The new version is a message of its own; one the bridge cannot read still says which message changed.
      if (m.edit) return { kind: 'edit', targetId: m.edit.original_message_id, content: m.edit.message ? toContent(m.edit.message) : { kind: 'unsupported', reason: 'edit' } };
      break;
    case 'revoke':
      if (m.revoke) return { kind: 'revoke', targetId: m.revoke.original_message_id };
      break;
    case 'request_welcome':
      return { kind: 'welcome_request' };
    case 'system': {
      const change = m.system?.type === 'user_changed_number' ? 'number' : m.system?.type === 'user_changed_user_id' ? 'user_id' : undefined;
      return { kind: 'system', description: m.system?.body ?? m.system?.type ?? 'system', ...(change ? { change } : {}) };
    }
  }
  // `unsupported` (and anything newer than this code): what Meta says it was, and why it was not passed on.
  const error = m.errors?.[0];
  const said = error ? { code: error.code, title: error.title, details: error.error_data?.details ?? error.message } : undefined;
  return {
    kind: 'unsupported',
    reason: m.unsupported?.type ?? (m.type === 'unsupported' ? error?.title : m.type) ?? m.type,
    ...(said && (said.title || said.details) ? { error: strip(said) } : {}),
    ...(m.type === 'unsupported' || m.type === 'unknown' ? {} : { unknownKind: true }),
  };
}

/** `{ key: value }` when there is something to say, else nothing (so absent fields stay absent). */
function optional<K extends string, V extends string | string[]>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined || value.length === 0 ? {} : ({ [key]: value } as { [P in K]?: V });
}

function strip<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

function interactiveContent(i: NonNullable<CloudContent['interactive']>): Content {
  const reply = i.button_reply ?? i.list_reply;
  if (reply) {
    return {
      kind: 'interactive',
      replyKind: i.list_reply ? 'list' : 'button',
      id: reply.id,
      title: reply.title,
      description: 'description' in reply ? (reply.description as string | undefined) : undefined,
    };
  }
  if (i.nfm_reply) return flowReply(i.nfm_reply);
  if (i.call_permission_reply) {
    const r = i.call_permission_reply;
    const expires = Number(r.expiration_timestamp);
    return {
      kind: 'call_permission',
      granted: r.response === 'accept',
      ...(r.is_permanent !== undefined ? { permanent: r.is_permanent } : {}),
      ...(Number.isFinite(expires) && expires > 0 ? { expiresAt: expires * 1000 } : {}),
    };
  }
  return { kind: 'unsupported', reason: `interactive ${i.type}`.slice(0, 60) };
}

function orderItem(p: NonNullable<NonNullable<CloudContent['order']>['product_items']>[number]): OrderItem {
  const quantity = Number(p.quantity);
  const price = p.item_price === undefined ? NaN : Number(p.item_price);
  return {
    productRetailerId: p.product_retailer_id,
    quantity: Number.isFinite(quantity) ? quantity : 0,
    ...(Number.isFinite(price) ? { itemPrice: price } : {}),
    ...(p.currency ? { currency: p.currency } : {}),
  };
}

const MAX_FIELDS = 50;
const MAX_VALUE = 500;

/**
 * A Flow's answers: `response_json` is the JSON object the Flow (or its endpoint) completed with
 * (`…/flows/guides/receiveflowresponse`). Each field becomes one line; `flow_token` identifies the
 * Flow, so it is kept apart from the answers.
 */
export function flowReply(nfm: { name?: string; body?: string; response_json?: string }): FlowReplyContent {
  const base: FlowReplyContent = { kind: 'flow_reply', fields: [], ...(nfm.name ? { flowName: nfm.name } : {}), ...(nfm.body ? { body: nfm.body } : {}) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(nfm.response_json ?? '');
  } catch {
    return { ...base, unreadable: true };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ...base, unreadable: true };
  const { flow_token: token, ...answers } = parsed as Record<string, unknown>;
  const fields: FlowField[] = [];
  flatten(answers, '', fields);
  return { ...base, fields: fields.slice(0, MAX_FIELDS), ...(typeof token === 'string' && token !== '' ? { token } : {}) };
}

function flatten(value: Record<string, unknown>, prefix: string, out: FlowField[]): void {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (v === null || v === undefined || v === '') continue;
    if (typeof v === 'object' && !Array.isArray(v)) {
      flatten(v as Record<string, unknown>, name, out);
      continue;
    }
    const text = Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : String(v);
    out.push({ name, value: text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text });
  }
}

/** The ad or post a message came from (`referral` on text, media and other first messages). */
export function toReferral(r: CloudContent['referral']): Referral | undefined {
  if (!r) return undefined;
  const referral = strip({
    sourceType: r.source_type,
    sourceId: r.source_id,
    sourceUrl: r.source_url,
    headline: r.headline,
    body: r.body,
    mediaType: r.media_type,
    mediaUrl: r.image_url ?? r.video_url,
    thumbnailUrl: r.thumbnail_url,
  });
  return Object.keys(referral).length > 0 ? referral : undefined;
}
