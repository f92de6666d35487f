/**
 * The fake Graph's message templates: the paged listing and the checks a template send goes through.
 * Also the app's template catalogue (src/whatsapp/cloud/templates.ts) against it: every page, approved only, cached.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../src/whatsapp/cloud/graph-client.js';
import { createTemplateCatalogue } from '../../src/whatsapp/cloud/templates.js';
import { createFakeGraph, type FakeGraph, type FakeTemplate } from './graph.js';

const TOKEN = 'graph-token';
const PNID = '106540352242922';
const WABA = '102290129340398';
const TEMPLATES: FakeTemplate[] = [
  ...Array.from({ length: 7 }, (_, i) => ({ name: `notice_${i}`, language: 'en_US', body: `Notice ${i} for {{1}}` })),
  { name: 'appointment_reminder', language: 'pt_BR', body: 'Olá {{1}}, sua consulta às {{2}} está confirmada.' },
  { name: 'draft_offer', language: 'en_US', status: 'PENDING', body: 'Not approved yet' },
];

let fake: FakeGraph | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const get = async (path: string) => {
  const res = await fetch(`${fake!.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: (await res.json()) as { data?: Array<{ name: string; status: string }>; paging?: { cursors: { after: string }; next?: string }; error?: { code: number } } };
};
const send = async (template: unknown) => {
  const res = await fetch(`${fake!.url}/${PNID}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messaging_product: 'whatsapp', to: '16505551234', type: 'template', template }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: number; error_data?: { details: string } }; messages?: unknown[] } };
};

describe('fake Graph message templates', () => {
  it('lists the account’s templates in pages, with cursors and a next link until the last page', async () => {
    fake = await createFakeGraph({ token: TOKEN, phoneNumberId: PNID, displayPhoneNumber: '15550783881', templates: TEMPLATES });
    const first = await get(`/${WABA}/message_templates?limit=4`);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(4);
    expect(first.body.paging?.next).toContain('after=');
    const last = await get(`/${WABA}/message_templates?limit=8&after=${first.body.paging!.cursors.after}`);
    expect(last.body.data?.map((t) => t.name)).toEqual(['notice_4', 'notice_5', 'notice_6', 'appointment_reminder', 'draft_offer']);
    expect(last.body.data).toHaveLength(5);
    expect(last.body.paging?.next).toBeUndefined();
    expect((await get(`/${WABA}/message_templates?status=APPROVED&limit=100`)).body.data).toHaveLength(8);
    expect((await get(`/999/message_templates`)).body.error?.code).toBe(2500);
  });

  it('refuses an unknown template or language (132001) and a wrong number of body parameters (132000)', async () => {
    fake = await createFakeGraph({ token: TOKEN, phoneNumberId: PNID, displayPhoneNumber: '15550783881', templates: TEMPLATES });
    expect((await send({ name: 'appointment_reminder', language: { code: 'en_US' } })).body.error?.code).toBe(132001);
    expect((await send({ name: 'draft_offer', language: { code: 'en_US' } })).body.error?.code).toBe(132001);
    const short = await send({ name: 'appointment_reminder', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] });
    expect(short.body.error).toMatchObject({ code: 132000, error_data: { details: 'body: number of localizable_params (1) does not match the expected number of params (2)' } });
    const ok = await send({ name: 'appointment_reminder', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '10:00' }] }] });
    expect(ok.status).toBe(200);
    expect(fake.sent).toHaveLength(1);
  });
});

describe('fake Graph with several WhatsApp Business Accounts', () => {
  it('lists each account’s own templates and checks a number’s template sends against its account’s', async () => {
    const OTHER_WABA = '102290129340399';
    const OTHER_PNID = '106540352242933';
    fake = await createFakeGraph({
      token: TOKEN,
      phoneNumberId: PNID,
      displayPhoneNumber: '15550783881',
      templates: TEMPLATES,
      moreAccounts: [{ wabaId: OTHER_WABA, phoneNumberIds: [OTHER_PNID], templates: [{ name: 'service_visit', language: 'en_US', body: 'Your technician comes at {{1}}.' }] }],
    });
    expect((await get(`/${OTHER_WABA}/message_templates`)).body.data?.map((t) => t.name)).toEqual(['service_visit']);
    expect((await get(`/${WABA}/message_templates?limit=100`)).body.data?.map((t) => t.name)).not.toContain('service_visit');
    const visit = { name: 'service_visit', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '10:00' }] }] };
    const sendFrom = async (pnid: string) =>
      (
        await fetch(`${fake!.url}/${pnid}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ messaging_product: 'whatsapp', to: '16505551234', type: 'template', template: visit }),
        })
      ).status;
    expect(await sendFrom(OTHER_PNID)).toBe(200);
    expect((await send(visit)).body.error?.code).toBe(132001);
  });
});

describe('template catalogue', () => {
  it('reads every page, keeps approved templates with their variables, and asks Graph again only after its TTL', async () => {
    fake = await createFakeGraph({ token: TOKEN, phoneNumberId: PNID, displayPhoneNumber: '15550783881', templates: [...TEMPLATES, ...Array.from({ length: 150 }, (_, i) => ({ name: `bulk_${String(i).padStart(3, '0')}`, language: 'en_US', body: 'x' }))] });
    let now = 1_000;
    const catalogue = createTemplateCatalogue(createGraphClient({ baseUrl: fake.url, token: TOKEN, phoneNumberId: PNID }), WABA, { ttlMs: 60_000, now: () => now });
    const list = await catalogue.list();
    expect(list).toHaveLength(158);
    expect(list.find((t) => t.name === 'appointment_reminder')).toEqual({ name: 'appointment_reminder', language: 'pt_BR', category: 'UTILITY', body: 'Olá {{1}}, sua consulta às {{2}} está confirmada.', variables: 2 });
    expect(list.some((t) => t.name === 'draft_offer')).toBe(false);
    const listings = () => fake!.calls.filter((c) => c.op === 'templates').length;
    expect(listings()).toBe(2);
    await catalogue.list();
    expect(listings()).toBe(2);
    now += 60_001;
    await catalogue.list();
    expect(listings()).toBe(4);
  });
});
