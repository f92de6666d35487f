import type { SharedContact, SharedContactPhone } from '../../core/model.js';

/**
 * The parts of a shared contact's vCard (RFC 6350; WhatsApp writes 3.0) the bridge shows:
 * name, phone numbers (WhatsApp adds `waid=<digits>` when the number has an account), e-mail
 * addresses and organisation. Anything else in the card is ignored.
 */
export function parseVcard(vcard: string, displayName?: string | null): SharedContact {
  let name = '';
  let structured = '';
  let org: string | undefined;
  const phones: SharedContactPhone[] = [];
  const emails: string[] = [];
  for (const line of unfold(vcard)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    // "item1.TEL;type=CELL;waid=16505551234" → property TEL, parameters type and waid.
    const [head = '', ...params] = line.slice(0, colon).split(';');
    const property = head.slice(head.lastIndexOf('.') + 1).toUpperCase();
    const value = line.slice(colon + 1);
    switch (property) {
      case 'FN':
        name = unescape(value).trim();
        break;
      case 'N':
        structured = value
          .split(';')
          .slice(0, 2)
          .reverse()
          .map((part) => unescape(part).trim())
          .filter(Boolean)
          .join(' ');
        break;
      case 'ORG':
        org = unescape(value.split(';')[0] ?? '').trim() || undefined;
        break;
      case 'EMAIL':
        if (value.trim()) emails.push(unescape(value).trim());
        break;
      case 'TEL': {
        const phone = unescape(value).trim();
        if (!phone) break;
        const p = parseParams(params);
        const type = p.type.find((t) => t.toUpperCase() !== 'VOICE' && t.toUpperCase() !== 'PREF');
        phones.push({ phone, ...(type ? { type: type.toUpperCase() } : {}), ...(p.waid ? { waId: p.waid } : {}) });
        break;
      }
    }
  }
  return {
    name: name || displayName?.trim() || structured,
    phones,
    ...(emails.length > 0 ? { emails } : {}),
    ...(org ? { org } : {}),
  };
}

/** Folded lines (a continuation starts with a space or tab) joined back, line endings normalised. */
function unfold(vcard: string): string[] {
  return vcard
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]/g, '')
    .split('\n')
    .filter((l) => l.length > 0);
}

function parseParams(params: string[]): { type: string[]; waid?: string } {
  const out: { type: string[]; waid?: string } = { type: [] };
  for (const param of params) {
    const eq = param.indexOf('=');
    // vCard 2.1 style: a bare type ("TEL;CELL:…").
    if (eq < 0) {
      out.type.push(param);
      continue;
    }
    const key = param.slice(0, eq).toLowerCase();
    const value = param.slice(eq + 1).replace(/^"|"$/g, '');
    if (key === 'type') out.type.push(...value.split(','));
    else if (key === 'waid' && /^\d+$/.test(value)) out.waid = value;
  }
  return out;
}

function unescape(value: string): string {
  return value.replace(/\\([nN,;\\])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}
