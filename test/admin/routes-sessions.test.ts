import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCsrfTokens } from '../../src/http/admin/csrf.js';
import type { AdminRoute, AdminStatus, WhatsAppRouteStatus } from '../../src/http/admin/types.js';
import { TOKEN, basic, buildAdminServer, capturingLogger, sampleStatus } from './fixtures.js';

const auth = { authorization: basic('ward-ops', TOKEN) };
const sameOrigin = { ...auth, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const tokenIn = (body: string) => /name="csrf" value="([^"]+)"/.exec(body)?.[1];

const FRONT_QR = '2@Front0desk,first+session/one==,ZmFrZS1rZXk=,c2VjcmV0';
const FIELD_QR = '2@Field0visits,second+session/two==,ZmFrZS1rZXk=,c2VjcmV0';

/** A Cloud number first, then two phones linked as WhatsApp Web devices, both waiting for a scan. */
function threeRoutes(field: Partial<WhatsAppRouteStatus> = {}): AdminStatus {
  return sampleStatus({
    routes: [
      { route: 'sales', transport: 'cloud', state: 'n/a' },
      { route: 'front-desk', transport: 'web', state: 'qr', qr: FRONT_QR, detail: { state: 'qr', since: Date.UTC(2025, 0, 15, 9, 0), attempt: 0, paired: false } },
      { route: 'field', transport: 'web', state: 'qr', qr: FIELD_QR, detail: { state: 'qr', since: Date.UTC(2025, 0, 15, 9, 5), attempt: 0, paired: false }, ...field },
    ],
  });
}

function session(code: string) {
  return { requestPairingCode: vi.fn(async (_phone: string) => code), unlink: vi.fn(async () => undefined) };
}

describe('admin with several routes (two WhatsApp Web sessions and a Cloud number)', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const build = (status: AdminStatus = threeRoutes(), extra: Partial<Parameters<typeof buildAdminServer>[0]> = {}) => {
    const front = session('FRNT1234');
    const field = session('FELD5678');
    const routes: AdminRoute[] = [{ name: 'sales' }, { name: 'front-desk', session: front }, { name: 'field', session: field }];
    app = buildAdminServer({ status: async () => status, routes, ...extra });
    return { front, field };
  };
  const get = (url: string) => app!.inject({ method: 'GET', url, headers: auth });
  const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = sameOrigin) => app!.inject({ method: 'POST', url, headers, payload: form(fields) });

  describe('status.json', () => {
    it('lists every route in order, each session with its own QR as SVG; `whatsapp` stays the first session', async () => {
      build();
      const res = await get('/admin/status.json');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.routes.map((r: WhatsAppRouteStatus) => [r.route, r.transport, r.state])).toEqual([
        ['sales', 'cloud', 'n/a'],
        ['front-desk', 'web', 'qr'],
        ['field', 'web', 'qr'],
      ]);
      const [sales, front, field] = body.routes;
      expect(sales).toEqual({ route: 'sales', transport: 'cloud', state: 'n/a' });
      expect(front.qrSvg).toMatch(/^<svg class="qr-svg" role="img" aria-label="QR code for linking WhatsApp \(front-desk\): /);
      expect(field.qrSvg).toMatch(/^<svg class="qr-svg" role="img" aria-label="QR code for linking WhatsApp \(field\): /);
      expect(field.qrSvg).not.toBe(front.qrSvg);
      for (const raw of [FRONT_QR, FIELD_QR]) expect(res.body).not.toContain(raw);
      // Readers from before routes: the first WhatsApp Web session, not the first route.
      expect(body.transport).toBe('web');
      expect(body.whatsapp).toEqual({ state: 'qr', qrSvg: front.qrSvg, detail: front.detail });
    });
  });

  describe('the page', () => {
    it('shows each route’s state; a session waiting for a scan offers it, a linked one Unlink', async () => {
      build(threeRoutes({ state: 'open', qr: undefined, account: '+1 555-000-1234 (Field)', detail: { state: 'open', since: 0, attempt: 0, paired: true } }));
      const { body } = await get('/admin');
      expect(body).toContain('<title>Waiting for pairing · Switchboard admin</title>');
      expect(body).toContain('3 WhatsApp numbers');
      expect(body).toContain('data-routes="sales:n/a,front-desk:qr,field:open"');
      expect(body).toMatch(/<span class="badge neutral" id="wa-state-sales">Cloud API<\/span>/);
      expect(body).toMatch(/<span class="badge warn" id="wa-state-front-desk">Waiting for pairing<\/span>/);
      expect(body).toMatch(/<span class="badge ok" id="wa-state-field">Connected<\/span>/);
      expect(body).toContain('+1 555-000-1234 (Field)');
      // Only the session waiting for a scan offers one; the linked one offers Unlink.
      expect(body.match(/data-qr="/g)).toHaveLength(1);
      expect(body).toContain('<h2 id="pair-heading-front-desk">Link WhatsApp (front-desk)</h2>');
      expect(body).not.toContain('pair-heading-field');
      expect(body).toContain('href="/admin/whatsapp/unlink?route=field">Unlink field…</a>');
    });

    it('gives two sessions waiting for a scan a QR and a form each', async () => {
      build();
      const { body } = await get('/admin');
      expect(body.match(/<figure class="qr" id="qr-(front-desk|field)" data-qr="\1">/g)).toEqual([
        '<figure class="qr" id="qr-front-desk" data-qr="front-desk">',
        '<figure class="qr" id="qr-field" data-qr="field">',
      ]);
      expect(body.match(/<input type="hidden" name="route" value="([a-z-]+)">/g)).toEqual([
        '<input type="hidden" name="route" value="front-desk">',
        '<input type="hidden" name="route" value="field">',
      ]);
      expect(body).toContain('<label for="phone-field">Phone number of the support account (field)</label>');
      expect(body).toContain('href="/admin/whatsapp/unlink?route=front-desk">Unlink front-desk…</a>');
      // The Cloud number has no pairing, and no element id appears twice.
      expect(body).not.toContain('pair-heading-sales');
      const ids = [...body.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    });
  });

  describe('pairing code', () => {
    it('asks the session the form names, and shows the code beside that session’s form', async () => {
      const { front, field } = build();
      const res = await post('/admin/pairing-code', { route: 'field', phone: '+1 650 555 1234' });
      expect(res.statusCode).toBe(200);
      expect(field.requestPairingCode).toHaveBeenCalledWith('16505551234');
      expect(front.requestPairingCode).not.toHaveBeenCalled();
      expect(res.body).toContain('<p class="code" id="pairing-code-field">FELD-5678</p>');
      expect(res.body).not.toContain('id="pairing-code-front-desk"');
      // The page holds the code until that session (not the other one) is connected.
      expect(res.body).toContain('data-hold="true" data-hold-route="field"');
    });

    it('pairs the first WhatsApp Web session when the form names no route (a form from before routes)', async () => {
      const { front, field } = build();
      const res = await post('/admin/pairing-code', { phone: '16505551234' });
      expect(res.statusCode).toBe(200);
      expect(front.requestPairingCode).toHaveBeenCalledWith('16505551234');
      expect(field.requestPairingCode).not.toHaveBeenCalled();
      expect(res.body).toContain('id="pairing-code-front-desk">FRNT-1234<');
    });

    it('explains a wrong number in the form of the session it was typed for', async () => {
      const { field } = build();
      const res = await post('/admin/pairing-code', { route: 'field', phone: '0170 1234567' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toMatch(/<div class="alert bad" role="alert" id="phone-error-field"><p><strong>No pairing code<\/strong>[^<]*country code/);
      expect(res.body).toMatch(/<input id="phone-field" [^>]*aria-describedby="phone-hint-field phone-error-field" aria-invalid="true">/);
      expect(res.body).not.toContain('phone-error-front-desk');
      expect(field.requestPairingCode).not.toHaveBeenCalled();
    });

    it('refuses an unknown route (404) and a Cloud number (400), saying why', async () => {
      const { front, field } = build();
      const unknown = await post('/admin/pairing-code', { route: 'warehouse', phone: '16505551234' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.body).toContain('There is no route named “warehouse”. WhatsApp Web routes: front-desk, field.');
      const cloud = await post('/admin/pairing-code', { route: 'sales', phone: '16505551234' });
      expect(cloud.statusCode).toBe(400);
      expect(cloud.body).toContain('Route sales is a WhatsApp Cloud API number: it has no linked device to pair or unlink.');
      const hostile = await post('/admin/pairing-code', { route: '<script>x</script>', phone: '16505551234' });
      expect(hostile.statusCode).toBe(404);
      expect(hostile.body).not.toContain('<script>x');
      expect(front.requestPairingCode).not.toHaveBeenCalled();
      expect(field.requestPairingCode).not.toHaveBeenCalled();
    });

    it('logs who asked for which route’s code, never the phone number', async () => {
      const { logger, lines } = capturingLogger();
      build(threeRoutes(), { logger });
      await post('/admin/pairing-code', { route: 'field', phone: '+1 650 555 1234' });
      expect(lines.filter((l) => l.audit === true)).toEqual([expect.objectContaining({ level: 30, action: 'whatsapp.pairing_code', by: 'basic:ward-ops', route: 'field' })]);
      expect(JSON.stringify(lines)).not.toMatch(/6505551234|650 555|FELD/);
    });
  });

  describe('unlink', () => {
    it('unlinks only the session confirmed, and logs which route', async () => {
      const { logger, lines } = capturingLogger();
      const { front, field } = build(threeRoutes(), { logger });
      const confirm = await get('/admin/whatsapp/unlink?route=field');
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('<h1>Unlink WhatsApp Web (field)?</h1>');
      expect(confirm.body).toContain('<input type="hidden" name="route" value="field">');
      const csrf = tokenIn(confirm.body)!;
      // The token is for that session: it does not unlink the other one, nor does another session's token this one.
      expect((await post('/admin/whatsapp/unlink', { csrf, route: 'front-desk' })).statusCode).toBe(403);
      expect((await post('/admin/whatsapp/unlink', { csrf: createCsrfTokens(TOKEN).issue('unlink:front-desk'), route: 'field' })).statusCode).toBe(403);
      expect((await post('/admin/whatsapp/unlink', { csrf, route: 'field' }, { ...sameOrigin, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
      expect(field.unlink).not.toHaveBeenCalled();
      const res = await post('/admin/whatsapp/unlink', { csrf, route: 'field' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin');
      expect(field.unlink).toHaveBeenCalledOnce();
      expect(front.unlink).not.toHaveBeenCalled();
      expect(lines.filter((l) => l.audit === true)).toEqual([expect.objectContaining({ level: 30, action: 'whatsapp.unlink', by: 'basic:ward-ops', route: 'field' })]);
    });

    it('unlinks the first WhatsApp Web session from a confirmation without a route', async () => {
      const { front, field } = build();
      const confirm = await get('/admin/whatsapp/unlink');
      expect(confirm.body).toContain('<input type="hidden" name="route" value="front-desk">');
      // A form that sends no route at all acts on the same session.
      expect((await post('/admin/whatsapp/unlink', { csrf: tokenIn(confirm.body)! })).statusCode).toBe(303);
      expect(front.unlink).toHaveBeenCalledOnce();
      expect(field.unlink).not.toHaveBeenCalled();
    });

    it('refuses an unknown route (404) and a Cloud number (400)', async () => {
      const { front, field } = build();
      expect((await get('/admin/whatsapp/unlink?route=warehouse')).statusCode).toBe(404);
      const cloud = await get('/admin/whatsapp/unlink?route=sales');
      expect(cloud.statusCode).toBe(400);
      expect(cloud.body).toContain('Route sales is a WhatsApp Cloud API number');
      const csrf = createCsrfTokens(TOKEN).issue('unlink:sales');
      expect((await post('/admin/whatsapp/unlink', { csrf, route: 'sales' })).statusCode).toBe(400);
      expect((await post('/admin/whatsapp/unlink', { csrf: createCsrfTokens(TOKEN).issue('unlink:warehouse'), route: 'warehouse' })).statusCode).toBe(404);
      expect(front.unlink).not.toHaveBeenCalled();
      expect(field.unlink).not.toHaveBeenCalled();
    });
  });
});
