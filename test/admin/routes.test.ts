import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ADMIN_REALM } from '../../src/http/admin/routes.js';
import type { AdminStatus } from '../../src/http/admin/types.js';
import { TOKEN, XSS, basic, buildAdminServer, capturingLogger, sampleStatus } from './fixtures.js';

const bearer = { authorization: `Bearer ${TOKEN}` };

describe('admin routes', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const build = (status: AdminStatus = sampleStatus(), extra: Parameters<typeof buildAdminServer>[0] | object = {}) => {
    app = buildAdminServer({ status: async () => status, pairing: { requestPairingCode: async () => 'ABCD1234' }, ...extra });
    return app;
  };

  describe('authentication', () => {
    it('does not exist without ADMIN_TOKEN, and says so once at startup', async () => {
      const { logger, lines } = capturingLogger();
      build(sampleStatus(), { token: undefined, logger });
      for (const [method, url] of [['GET', '/admin'], ['GET', '/admin/'], ['GET', '/admin/status.json'], ['POST', '/admin/pairing-code']] as const) {
        const res = await app!.inject({ method, url, headers: bearer });
        expect(res.statusCode, url).toBe(404);
      }
      expect(lines.filter((l) => String(l.msg).includes('/admin page is disabled'))).toHaveLength(1);
    });

    it('tells a person opening /admin without ADMIN_TOKEN how to turn it on, and nothing about the service', async () => {
      const status = sampleStatus();
      build(status, { token: undefined });
      const res = await app!.inject({ method: 'GET', url: '/admin' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-frame-options']).toBe('DENY');
      const csp = String(res.headers['content-security-policy']);
      const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(csp).toContain("default-src 'self'");
      expect(res.body).toContain('<h1>The admin page is off</h1>');
      expect(res.body).toContain('Put a secret of at least 16 characters in <code>ADMIN_TOKEN</code>');
      expect(res.body).toContain('Restart Switchboard.');
      expect(res.body).toContain(`<style nonce="${nonce}">`);
      expect(res.body).not.toContain('<script');
      // Nobody signed in: no channel, no account, no queue figures.
      expect(res.body).not.toContain(status.slack.channel);
      expect(res.body).not.toMatch(/Pending|Dead|Recent failures/);
    });

    it('asks a browser to sign in when credentials are missing or wrong', async () => {
      build();
      for (const authorization of [undefined, 'Bearer nope', `Bearer ${TOKEN}x`, basic('ops', 'nope'), `Basic ${TOKEN}`, TOKEN, `Token ${TOKEN}`]) {
        const res = await app!.inject({ method: 'GET', url: '/admin', headers: authorization ? { authorization } : {} });
        expect(res.statusCode, String(authorization)).toBe(401);
        expect(res.headers['www-authenticate']).toBe(ADMIN_REALM);
        // The same neutral body whether the token was missing or wrong.
        expect(res.json()).toEqual({ error: 'unauthorized' });
      }
    });

    it('accepts the token as a Bearer token or as the Basic password with any user name', async () => {
      build();
      for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, basic('operator', TOKEN), basic('', TOKEN)]) {
        const res = await app!.inject({ method: 'GET', url: '/admin', headers: { authorization } });
        expect(res.statusCode, authorization).toBe(200);
      }
    });

    it('never takes the token from the query string', async () => {
      build();
      for (const q of ['token', 'access_token', 'admin_token', 'ADMIN_TOKEN']) {
        const res = await app!.inject({ method: 'GET', url: `/admin/status.json?${q}=${TOKEN}` });
        expect(res.statusCode, q).toBe(401);
      }
    });

    it('logs a wrong token without the token', async () => {
      const { logger, lines } = capturingLogger();
      build(sampleStatus(), { logger });
      await app!.inject({ method: 'GET', url: '/admin', headers: { authorization: 'Bearer not-the-token' } });
      await app!.inject({ method: 'GET', url: '/admin' });
      const refused = lines.filter((l) => String(l.msg).includes('sign-in refused'));
      expect(refused).toHaveLength(1);
      expect(JSON.stringify(lines)).not.toContain('not-the-token');
    });
  });

  describe('the page', () => {
    it('sends a fresh CSP nonce and the security headers with every page', async () => {
      build();
      const nonces = new Set<string>();
      for (let i = 0; i < 2; i++) {
        const res = await app!.inject({ method: 'GET', url: '/admin', headers: bearer });
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        const csp = String(res.headers['content-security-policy']);
        const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
        expect(nonce).toBeDefined();
        expect(csp).toContain(`style-src 'nonce-${nonce}'`);
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
        expect(res.body).toContain(`<script nonce="${nonce}">`);
        expect(res.body).toContain(`<style nonce="${nonce}">`);
        nonces.add(nonce!);
      }
      expect(nonces.size).toBe(2);
    });

    it('escapes every dynamic string, hostile failure reasons first', async () => {
      const evil = '"><img src=x onerror=alert(2)>';
      build(
        sampleStatus({
          slack: { channel: evil, ok: false, detail: evil },
          jira: { enabled: true, target: evil },
          failures: [{ id: 1, kind: evil, lane: evil, attempts: 3, reason: XSS, at: 0 }],
          whatsapp: { state: 'open', account: evil },
          version: evil,
        }),
      );
      const res = await app!.inject({ method: 'GET', url: '/admin', headers: bearer });
      expect(res.body).not.toContain(XSS);
      expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.body).not.toContain('<img');
      expect(res.body.match(/<script/g)).toHaveLength(1);
    });

    it('shows the QR as a labelled inline SVG, the state, the queue, the failures and the Jira target', async () => {
      build();
      const { body } = await app!.inject({ method: 'GET', url: '/admin', headers: bearer });
      expect(body).toMatch(/<svg class="qr-svg" role="img" aria-label="QR code for linking WhatsApp[^"]*"/);
      expect(body).toContain('<title>Waiting for pairing · Switchboard admin</title>');
      expect(body).toContain('data-field="queue.pending">3<');
      expect(body).toContain('data-field="queue.dead">2<');
      expect(body).toContain('Jira answered 503: Service Unavailable');
      expect(body).toContain('SUP (desk 1) · request type 10');
      expect(body).toContain('#it-support');
      expect(body).toContain('<label for="phone">');
      expect(body).not.toContain('2@Aq9bZr0test');
      expect(body).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    });

    it('sends /admin/ to /admin, behind the same sign-in', async () => {
      build();
      expect((await app!.inject({ method: 'GET', url: '/admin/' })).statusCode).toBe(401);
      const res = await app!.inject({ method: 'GET', url: '/admin/', headers: bearer });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/admin');
    });

    it('asks to pair again after WhatsApp logged the device out', async () => {
      build(sampleStatus({ whatsapp: { state: 'logged_out' } }));
      const { body } = await app!.inject({ method: 'GET', url: '/admin', headers: bearer });
      expect(body).toContain('WhatsApp logged this device out.');
      expect(body).toContain('Pair again');
    });

    it('offers no pairing to the Cloud API transport', async () => {
      app = buildAdminServer({ status: async () => sampleStatus({ transport: 'cloud', whatsapp: { state: 'n/a' } }) });
      const { body } = await app.inject({ method: 'GET', url: '/admin', headers: bearer });
      expect(body).not.toContain('Link WhatsApp');
      expect(body).not.toContain('<form');
      expect(body).toContain('Cloud API');
      const post = await app.inject({ method: 'POST', url: '/admin/pairing-code', headers: bearer, payload: { phone: '16505551234' } });
      expect(post.statusCode).toBe(404);
    });
  });

  describe('status.json', () => {
    it('answers the status with the QR drawn as SVG instead of its raw payload', async () => {
      const status = sampleStatus();
      build(status);
      const res = await app!.inject({ method: 'GET', url: '/admin/status.json', headers: bearer });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      const body = res.json();
      expect(body.whatsapp).not.toHaveProperty('qr');
      expect(body.whatsapp.qrSvg).toMatch(/^<svg class="qr-svg" role="img"/);
      expect(res.body).not.toContain('2@Aq9bZr0test');
      const { routes: _r, ...rest } = status;
      expect(body).toMatchObject(rest);
      // As before routes: the transport and the one session at the top; `routes` has it too, by name.
      expect(body.transport).toBe('web');
      expect(body.whatsapp).toEqual({ state: 'qr', qrSvg: body.whatsapp.qrSvg });
      expect(body.routes).toEqual([{ route: 'default', transport: 'web', state: 'qr', qrSvg: body.whatsapp.qrSvg }]);
    });

    it('drops a stale QR once the connection is open', async () => {
      build(sampleStatus({ whatsapp: { state: 'open', qr: 'stale', account: '+1 555-078-3881' } }));
      const body = (await app!.inject({ method: 'GET', url: '/admin/status.json', headers: bearer })).json();
      expect(body.whatsapp).toEqual({ state: 'open', account: '+1 555-078-3881' });
    });
  });

  describe('pairing code', () => {
    const post = (payload: string, headers: Record<string, string> = {}) =>
      app!.inject({ method: 'POST', url: '/admin/pairing-code', headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload });

    it('refuses numbers that are not 8 to 15 digits or not in any numbering plan, with the reason', async () => {
      const requestPairingCode = vi.fn(async () => 'ABCD1234');
      build(sampleStatus(), { pairing: { requestPairingCode } });
      const cases: Array<[string, RegExp]> = [
        ['phone=', /Enter the phone number/],
        ['', /Enter the phone number/],
        ['phone=12ab5678', /digits only/],
        ['phone=1234567', /Expected 8 to 15 digits, got 7/],
        ['phone=1234567890123456', /Expected 8 to 15 digits, got 16/],
        ['phone=01701234567', /country code/],
        // the right length, but no country assigns them: NANP area code 555, German numbers never start with 1 2
        ['phone=15550783881', /\+15550783881 is not a number in the numbering plan of its country/],
        [`phone=${encodeURIComponent('+49 12 3456789')}`, /\+49123456789 is not a number in the numbering plan/],
        [`phone=${encodeURIComponent(XSS)}`, /digits only/],
      ];
      for (const [payload, reason] of cases) {
        const res = await post(payload);
        expect(res.statusCode, payload).toBe(400);
        expect(res.headers['content-type']).toContain('text/html');
        expect(res.body, payload).toMatch(reason);
        expect(res.body).toContain('aria-invalid="true"');
        expect(res.body).not.toContain(XSS);
      }
      expect(requestPairingCode).not.toHaveBeenCalled();
    });

    it('takes valid numbers of several countries however they are typed', async () => {
      const requestPairingCode = vi.fn(async () => 'ABCD1234');
      build(sampleStatus(), { pairing: { requestPairingCode } });
      for (const [typed, digits] of [
        ['+49 30 12345678', '493012345678'],
        ['0033 6 12 34 56 78', '33612345678'],
        ['+39 02 1234 5678', '390212345678'],
        ['+91 81234-56789', '918123456789'],
        ['+55 (11) 96123-4567', '5511961234567'],
      ]) {
        const res = await post(`phone=${encodeURIComponent(typed!)}`);
        expect(res.statusCode, typed).toBe(200);
        expect(requestPairingCode).toHaveBeenLastCalledWith(digits);
      }
    });

    it('asks WhatsApp for a code for the cleaned-up number and shows it big', async () => {
      const requestPairingCode = vi.fn(async () => 'ABCD1234');
      build(sampleStatus(), { pairing: { requestPairingCode } });
      const res = await post(`phone=${encodeURIComponent('+1 (650) 555-1234')}`);
      expect(res.statusCode).toBe(200);
      expect(requestPairingCode).toHaveBeenCalledWith('16505551234');
      expect(res.body).toMatch(/<p class="code" id="pairing-code">ABCD-1234<\/p>/);
      expect(res.body).toContain('data-hold="true"');
    });

    it('says clearly when WhatsApp will not issue a code', async () => {
      build(sampleStatus(), { pairing: { requestPairingCode: async () => Promise.reject(new Error(`Connection Closed ${XSS}`)) } });
      const res = await post('phone=16505551234');
      expect(res.statusCode).toBe(502);
      expect(res.body).toContain('WhatsApp did not issue a code: Connection Closed &lt;script&gt;');
      expect(res.body).toContain('role="alert"');
    });

    it('refuses forms submitted from another site', async () => {
      const requestPairingCode = vi.fn(async () => 'ABCD1234');
      build(sampleStatus(), { pairing: { requestPairingCode } });
      expect((await post('phone=16505551234', { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
      expect((await post('phone=16505551234', { origin: 'https://evil.example' })).statusCode).toBe(403);
      expect((await post('phone=16505551234', { 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
      expect(requestPairingCode).toHaveBeenCalledTimes(1);
    });

    it('needs the token too', async () => {
      build();
      const res = await app!.inject({ method: 'POST', url: '/admin/pairing-code', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'phone=16505551234' });
      expect(res.statusCode).toBe(401);
    });
  });
});
