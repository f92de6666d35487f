import { describe, expect, it } from 'vitest';
import type { Content } from '../model.js';
import { LOCALES } from './i18n.js';
import { describeReferral } from './commerce-content.js';
import { describeContent, mapUrl } from './whatsapp-content.js';

const NASTY = '<!channel> <@U0123> <https://evil.example|https://bank.example> &lt; @here';

/** The only `<…>` allowed: links the bridge builds itself, from numbers. */
const OWN_LINK = /^<https:\/\/(?:wa\.me\/\d+|www\.google\.com\/maps\/search\/\?api=1&amp;query=-?[\d.]+,-?[\d.]+)\|[^<>|&]+>$/;

function expectOnlyOwnLinks(out: string): void {
  const withoutLinks = out.replace(/<[^<>]*>/g, (link) => {
    expect(link).toMatch(OWN_LINK);
    return '';
  });
  expect(withoutLinks).not.toMatch(/[<]/);
  expect(withoutLinks).not.toMatch(/(^|[^\n])>/);
  expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
  expect(out).not.toMatch(/(^|[^\u2060])@here/);
}

const everyKindWithNastyText: Content[] = [
  { kind: 'text', body: NASTY },
  {
    kind: 'media',
    mediaKind: 'document',
    mediaId: '1',
    mimeType: 'application/pdf',
    fileName: `${NASTY}.pdf`,
    caption: NASTY,
  },
  { kind: 'location', latitude: -23.5614, longitude: -46.6559, name: NASTY, address: NASTY, url: NASTY },
  {
    kind: 'contacts',
    contacts: [
      {
        name: NASTY,
        phones: [{ phone: NASTY, type: NASTY, waId: '5511912345678' }],
        emails: [NASTY],
        org: NASTY,
      },
    ],
  },
  { kind: 'interactive', replyKind: 'list', id: 'row-1', title: NASTY, description: NASTY },
  { kind: 'reaction', targetId: 'wamid.x', emoji: NASTY },
  { kind: 'unsupported', reason: NASTY },
  { kind: 'unsupported', reason: NASTY, malformed: { field: NASTY } },
  { kind: 'system', description: NASTY },
  { kind: 'order', catalogId: NASTY, note: NASTY, items: [{ productRetailerId: NASTY, quantity: 2, itemPrice: 3, currency: NASTY }] },
  { kind: 'flow_reply', flowName: 'flow', body: NASTY, fields: [{ name: NASTY, value: NASTY }], token: NASTY, unreadable: true },
  { kind: 'unsupported', reason: NASTY, error: { code: 131051, title: NASTY, details: NASTY } },
  { kind: 'unsupported', reason: NASTY, unknownKind: true },
  { kind: 'edit', targetId: 'wamid.x', content: { kind: 'text', body: NASTY } },
  { kind: 'preference', category: NASTY, value: NASTY },
];

describe('describeContent: escaping', () => {
  for (const locale of LOCALES) {
    for (const content of everyKindWithNastyText) {
      it(`${locale}: ${content.kind} keeps WhatsApp strings inert`, () => {
        const out = describeContent(content, locale);
        expectOnlyOwnLinks(out);
        expect(out).toContain('&lt;!channel&gt;');
        expect(out).toContain('&amp;lt;');
      });
    }
  }
});

describe('describeContent: per kind', () => {
  it('converts text', () => {
    expect(describeContent({ kind: 'text', body: '*oi* > 1\n- a' }, 'pt-BR')).toBe('*oi* &gt; 1\n• a');
  });

  it('labels media with its kind, file name and caption', () => {
    expect(
      describeContent(
        { kind: 'media', mediaKind: 'image', mediaId: '1003383421387256', mimeType: 'image/jpeg', caption: 'Taj Mahal' },
        'en',
      ),
    ).toBe('*Image*\nTaj Mahal');
    expect(
      describeContent({ kind: 'media', mediaKind: 'document', mediaId: '1', mimeType: 'application/pdf', fileName: 'exame.pdf' }, 'pt-BR'),
    ).toBe('*Documento*: exame.pdf');
    expect(describeContent({ kind: 'media', mediaKind: 'sticker', mediaId: '1', mimeType: 'image/webp', animated: true }, 'pt-BR')).toBe(
      '*Figurinha*',
    );
  });

  it('shows a location with name, address and a map link', () => {
    const out = describeContent(
      { kind: 'location', latitude: -23.5614, longitude: -46.6559, name: 'Hospital Central', address: 'Av. Paulista, 1000' },
      'pt-BR',
    );
    expect(out).toBe(
      [
        ':round_pushpin: *Localização*: Hospital Central',
        'Av. Paulista, 1000',
        '<https://www.google.com/maps/search/?api=1&amp;query=-23.5614,-46.6559|Abrir mapa>',
      ].join('\n'),
    );
  });

  it('shows a bare location with only the label and the link', () => {
    expect(describeContent({ kind: 'location', latitude: 0, longitude: 0 }, 'en')).toBe(
      ':round_pushpin: *Location*\n<https://www.google.com/maps/search/?api=1&amp;query=0,0|Open map>',
    );
  });

  it('summarises shared contacts', () => {
    const out = describeContent(
      {
        kind: 'contacts',
        contacts: [
          { name: 'Ana Souza', phones: [{ phone: '+55 11 91234-5678', type: 'CELL', waId: '5511912345678' }], emails: ['ana@example.com'], org: 'Lab' },
          { name: ' ', phones: [{ phone: '+1 650 555 1234' }] },
        ],
      },
      'en',
    );
    expect(out).toBe(
      [
        ':bust_in_silhouette: *Shared 2 contacts*',
        '• Ana Souza',
        '    Phone: +55 11 91234-5678 (CELL) <https://wa.me/5511912345678|WhatsApp>',
        '    Email: ana@example.com',
        '    Company: Lab',
        '• Unknown',
        '    Phone: +1 650 555 1234',
      ].join('\n'),
    );
  });

  it('labels interactive replies by kind', () => {
    expect(describeContent({ kind: 'interactive', replyKind: 'button', id: 'yes', title: 'Sim' }, 'en')).toBe('*Button reply:* Sim');
    expect(describeContent({ kind: 'interactive', replyKind: 'list', title: 'Cardiologia', description: 'Bloco B' }, 'pt-BR')).toBe(
      '*Resposta de lista:* Cardiologia\nBloco B',
    );
    expect(describeContent({ kind: 'interactive', replyKind: 'quick_reply', title: 'Stop' }, 'en')).toBe('*Quick reply:* Stop');
  });

  it('words reactions and their removal', () => {
    expect(describeContent({ kind: 'reaction', targetId: 'wamid.x', emoji: '❤️' }, 'en')).toBe('_reacted ❤️ to a message_');
    expect(describeContent({ kind: 'reaction', targetId: 'wamid.x', emoji: '' }, 'pt-BR')).toBe('_removeu uma reação_');
  });

  it('gives short notices for unsupported and system messages', () => {
    expect(describeContent({ kind: 'unsupported' }, 'en')).toBe(
      ':warning: Unsupported message type. Ask the contact to send it another way.',
    );
    expect(describeContent({ kind: 'unsupported', reason: 'order' }, 'pt-BR')).toBe(
      ':warning: Tipo de mensagem não suportado (order). Peça ao contato para enviar de outra forma.',
    );
    expect(describeContent({ kind: 'unsupported', reason: 'image', malformed: { field: 'image.id' } }, 'en')).toBe(
      ':warning: A message (image) from this contact could not be read: WhatsApp delivered it with the field `image.id` missing or malformed. Ask the contact to send it again.',
    );
    expect(describeContent({ kind: 'unsupported', malformed: {} }, 'pt-BR')).toBe(
      ':warning: Não foi possível ler uma mensagem deste contato: o WhatsApp a entregou com dados ausentes ou inválidos. Peça ao contato para enviar de novo.',
    );
    expect(describeContent({ kind: 'system', description: 'User A changed from +1 555 to +1 556' }, 'en')).toBe(
      ':information_source: *WhatsApp notice:* User A changed from +1 555 to +1 556',
    );
  });
});

describe('mapUrl', () => {
  it('writes fixed-point coordinates', () => {
    expect(mapUrl(38.7223, -9.1393)).toBe('https://www.google.com/maps/search/?api=1&query=38.7223,-9.1393');
    expect(mapUrl(1e-7, -1e-7)).toBe('https://www.google.com/maps/search/?api=1&query=0,0');
    expect(mapUrl(10, 20.5)).toBe('https://www.google.com/maps/search/?api=1&query=10,20.5');
  });

  it('refuses coordinates that are not on Earth', () => {
    expect(mapUrl(Number.NaN, 0)).toBeUndefined();
    expect(mapUrl(91, 0)).toBeUndefined();
    expect(mapUrl(0, Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('leaves the map link out of a location with bad coordinates', () => {
    expect(describeContent({ kind: 'location', latitude: 200, longitude: 0, name: 'X' }, 'en')).toBe(':round_pushpin: *Location*: X');
  });
});

describe('describeContent: orders, Flows and what WhatsApp does not pass on', () => {
  it('adds up an order only when every item has a price in one currency', () => {
    const mixed = describeContent({ kind: 'order', items: [{ productRetailerId: 'a', quantity: 1, itemPrice: 5, currency: 'USD' }, { productRetailerId: 'b', quantity: 1, itemPrice: 5, currency: 'EUR' }] }, 'en');
    expect(mixed).not.toContain('Total');
    const unpriced = describeContent({ kind: 'order', items: [{ productRetailerId: 'a', quantity: 3 }] }, 'en');
    expect(unpriced).toBe(':shopping_trolley: *Order*\n• 3 × a');
    const odd = describeContent({ kind: 'order', items: [{ productRetailerId: 'a', quantity: 1, itemPrice: 5, currency: 'XX1' }] }, 'pt-BR');
    expect(odd).toContain('5 XX1 cada');
  });

  it('says which kind WhatsApp did not pass on, and gives Meta’s words once', () => {
    const out = describeContent({ kind: 'unsupported', reason: 'poll_creation', error: { code: 131051, title: 'Message type unknown', details: 'Message type unknown' } }, 'en');
    expect(out).toContain('does not pass polls on');
    expect(out).toContain('_WhatsApp says: Message type unknown (error 131051)_');
    expect(out).not.toMatch(/Unsupported|send it/);
  });

  it('shows a Flow answer that could not be read by its body, without inventing fields', () => {
    const out = describeContent({ kind: 'flow_reply', flowName: 'flow', body: 'Sent', fields: [], unreadable: true }, 'en');
    expect(out).toBe(':clipboard: *Form answers*\n:warning: The answers could not be read (WhatsApp sent them malformed).\nSent');
  });
});

describe('describeReferral', () => {
  it('links only plain http(s) URLs, and keeps WhatsApp text inert', () => {
    const out = describeReferral({ sourceType: 'ad', sourceUrl: 'https://fb.me/x|<!channel>', mediaUrl: 'javascript:alert(1)', headline: NASTY, body: NASTY }, 'en');
    expect(out).not.toMatch(/<https|<javascript|<!channel>/);
    expect(out).toContain('&lt;!channel&gt;');
    const fine = describeReferral({ sourceType: 'post', sourceUrl: 'https://fb.me/3cr4Wqqkv', mediaType: 'video', mediaUrl: 'https://video.example/v.mp4' }, 'pt-BR');
    expect(fine).toBe(':mega: *Veio de uma publicação*\n<https://fb.me/3cr4Wqqkv|Abrir> · <https://video.example/v.mp4|Vídeo do anúncio> · `post`');
  });
});
