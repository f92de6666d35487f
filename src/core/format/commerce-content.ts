import type { CallPermissionContent, FlowReplyContent, OrderContent, Referral, UnsupportedContent } from '../model.js';
import { messages, type Locale, type Messages } from './i18n.js';
import { formatDateTime } from './locale-format.js';
import { escapeMrkdwn } from './whatsapp-to-mrkdwn.js';

/**
 * mrkdwn for the structured inbound events (orders, Flows answers, call permissions, ad referrals,
 * what WhatsApp does not pass on). As in describeContent, everything from WhatsApp is escaped and
 * formatting marks wrap the bridge's own labels only.
 */

/** "$30.00" / "US$ 30,00"; a currency code Intl does not know is written out instead of failing. */
export function money(locale: Locale, amount: number, currency: string | undefined): string {
  if (!currency) return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(amount);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(amount)} ${currency}`;
  }
}

export function describeOrder(content: OrderContent, locale: Locale): string {
  const m = messages(locale);
  const catalogue = content.catalogId?.trim() ? ` (${m.catalogue({ id: escapeMrkdwn(content.catalogId.trim()) })})` : '';
  const lines = [`:shopping_trolley: *${m.order}*${catalogue}`];
  const currencies = new Set(content.items.map((i) => i.currency));
  let total = 0;
  let priced = true;
  for (const item of content.items) {
    const parts = [`${new Intl.NumberFormat(locale).format(item.quantity)} × ${escapeMrkdwn(item.productRetailerId)}`];
    if (item.itemPrice === undefined) priced = false;
    else {
      parts.push(`${escapeMrkdwn(money(locale, item.itemPrice, item.currency))} ${m.each}`);
      if (item.quantity !== 1) parts.push(escapeMrkdwn(money(locale, item.itemPrice * item.quantity, item.currency)));
      total += item.itemPrice * item.quantity;
    }
    lines.push(`• ${parts.join(' · ')}`);
  }
  // A total only adds up in one currency, and only when every item has its price.
  if (content.items.length > 0 && priced && currencies.size === 1) {
    lines.push(`*${m.orderTotal}:* ${escapeMrkdwn(money(locale, total, [...currencies][0]))}`);
  }
  if (content.note?.trim()) lines.push(`*${m.note}:* ${escapeMrkdwn(content.note.trim())}`);
  return lines.join('\n');
}

/** `appointment_date` → "Appointment date": a Flow's field names are identifiers, not labels. */
function humanise(name: string): string {
  const words = name.replace(/[_\s]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function describeFlow(content: FlowReplyContent, locale: Locale): string {
  const m = messages(locale);
  const title = content.flowName === 'address_message' ? m.addressAnswers : m.flowAnswers;
  const lines = [`:clipboard: *${title}*`];
  for (const f of content.fields) {
    const value = f.value === 'true' ? m.yes : f.value === 'false' ? m.no : f.value;
    lines.push(`• ${escapeMrkdwn(humanise(f.name))}: ${escapeMrkdwn(value)}`);
  }
  if (content.unreadable) {
    lines.push(`:warning: ${m.flowUnreadable}`);
    if (content.body?.trim()) lines.push(escapeMrkdwn(content.body.trim()));
  }
  if (content.token) lines.push(`_${m.flowToken}:_ ${escapeMrkdwn(content.token)}`);
  return lines.join('\n');
}

export function describeCallPermission(content: CallPermissionContent, locale: Locale): string {
  const until = content.expiresAt !== undefined ? formatDateTime(locale, content.expiresAt) : undefined;
  const text = messages(locale).callPermission({ granted: content.granted, ...(content.permanent ? { permanent: true } : {}), ...(until ? { until } : {}) });
  return `:telephone_receiver: _${text}_`;
}

/** A link only for a plain http(s) URL; anything else is shown as escaped text. */
function link(url: string, label: string): string {
  return /^https?:\/\/[^\s<>|]+$/.test(url) ? `<${escapeMrkdwn(url)}|${label}>` : escapeMrkdwn(url);
}

/** The ad or post a message came from, as a section below the message. */
export function describeReferral(referral: Referral, locale: Locale): string {
  const m = messages(locale);
  const headline = referral.headline?.trim();
  const lines = [`:mega: *${m.referral({ sourceType: referral.sourceType })}*${headline ? `: ${escapeMrkdwn(headline)}` : ''}`];
  if (referral.body?.trim()) lines.push(`> ${escapeMrkdwn(referral.body.trim()).replace(/\n/g, '\n> ')}`);
  const links: string[] = [];
  if (referral.sourceUrl) links.push(link(referral.sourceUrl, m.openAd));
  if (referral.mediaUrl) links.push(link(referral.mediaUrl, m.adMedia({ mediaType: referral.mediaType ?? '' })));
  const source = [referral.sourceType, referral.sourceId].filter(Boolean).map((s) => escapeMrkdwn(s!)).join(' ');
  if (source) links.push(`\`${source}\``);
  if (links.length > 0) lines.push(links.join(' · '));
  return lines.join('\n');
}

/** What WhatsApp did not pass on, named, with Meta's own words about it; never a request to resend an edit. */
export function describeNotPassedOn(content: UnsupportedContent, m: Messages): string {
  const type = content.reason?.trim();
  const what = type ? m.unsupportedKind(type) : undefined;
  const lines = [`:information_source: ${m.notPassedOn(what ? { what } : {})}`];
  const error = content.error;
  if (error?.title || error?.details) {
    const title = escapeMrkdwn(error.title ?? error.details!);
    const details = error.details && error.details !== error.title ? escapeMrkdwn(error.details) : undefined;
    lines.push(`_${m.whatsappSays({ title, ...(details ? { details } : {}), ...(error.code !== undefined ? { code: error.code } : {}) })}_`);
  }
  if (type && !what) lines.push(`\`${escapeMrkdwn(type)}\``);
  return lines.join('\n');
}
