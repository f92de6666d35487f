import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, PHONE_NUMBER_ID, startHarness, type Harness } from '../support/harness.js';
import { until } from '../support/until.js';
import { fakeSocket, settle, type FakeSocket } from '../whatsapp-web/support.js';
import { TOKEN } from './fixtures.js';

/** A Cloud number, then two phones linked as WhatsApp Web devices: each session pairs on its own. */
const ROUTES = `
routes:
  - name: sales
    whatsapp: { transport: cloud, phone_number_id: "${PHONE_NUMBER_ID}" }
    slack_channel: ${CHANNEL}
  - name: front-desk
    whatsapp: { transport: web }
    slack_channel: ${CHANNEL}
  - name: field
    whatsapp: { transport: web }
    slack_channel: ${CHANNEL}
`;

const bearer = { authorization: `Bearer ${TOKEN}` };
const sameOrigin = { ...bearer, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };

describe('/admin with two WhatsApp Web sessions and a Cloud number, through the service', () => {
  let h: Harness;
  /** Every socket the service opened, in order: the front desk's, the field's, then any fresh one. */
  let sockets: FakeSocket[];
  afterEach(async () => {
    await h?.close();
  });

  async function start() {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-admin-routes-'));
    writeFileSync(join(dir, 'routes.yaml'), ROUTES);
    sockets = [];
    h = await startHarness({
      env: { ROUTES_FILE: join(dir, 'routes.yaml'), ADMIN_TOKEN: TOKEN },
      overrides: { webSocketFactory: () => (sockets.push(fakeSocket(sockets.length === 0 ? '15550001111:3@s.whatsapp.net' : undefined)), sockets.at(-1)!) },
    });
    expect(sockets).toHaveLength(2);
    const [front, field] = sockets as [FakeSocket, FakeSocket];
    // The front desk's phone is linked; the field phone waits for a scan.
    await front.emit({ 'creds.update': { account: { details: Buffer.from('d'), accountSignature: Buffer.from('s') }, me: { id: '15550001111:3@s.whatsapp.net', name: 'Front desk' } } });
    await front.emit({ 'connection.update': { connection: 'open' } });
    await field.emit({ 'creds.update': { me: { id: '15550002222:4@s.whatsapp.net', name: 'Field' } } });
    await field.emit({ 'connection.update': { qr: '2@Field0qr,waiting+scan/one==,ZmFrZS1rZXk=,c2VjcmV0' } });
    await settle();
    return { front, field };
  }
  type RouteEntry = { route: string; transport: string; state: string; qrSvg?: string };
  const status = async () => (await (await fetch(`${h.base}/admin/status.json`, { headers: bearer })).json()) as { routes: RouteEntry[]; transport: string; whatsapp: { state: string } };

  it('lists the three routes in status.json and labels each session’s connected gauge with its route', async () => {
    await start();
    const body = await status();
    expect(body.routes.map((r) => [r.route, r.transport, r.state])).toEqual([
      ['sales', 'cloud', 'n/a'],
      ['front-desk', 'web', 'open'],
      ['field', 'web', 'qr'],
    ]);
    expect(body.routes[2]!.qrSvg).toMatch(/^<svg class="qr-svg"/);
    expect(body).toMatchObject({ transport: 'web', whatsapp: { state: 'open' } });
    const metrics = await (await fetch(`${h.base}/metrics`)).text();
    expect(metrics).toContain('switchboard_whatsapp_web_connected{route="front-desk"} 1');
    expect(metrics).toContain('switchboard_whatsapp_web_connected{route="field"} 0');
    expect(metrics).not.toMatch(/switchboard_whatsapp_web_connected \d/);
  });

  it('asks the field session for the pairing code the field form requests', async () => {
    const { front, field } = await start();
    const res = await fetch(`${h.base}/admin/pairing-code`, { method: 'POST', headers: sameOrigin, body: 'route=field&phone=%2B1+650+555+1234' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('id="pairing-code-field">ABCD-1234<');
    expect(field.pairingRequests).toEqual(['16505551234']);
    expect(front.pairingRequests).toEqual([]);
  });

  it('unlinks the field session only: its stored session is forgotten and it offers a new QR; the front desk stays linked', async () => {
    const { front, field } = await start();
    const confirm = await (await fetch(`${h.base}/admin/whatsapp/unlink?route=field`, { headers: bearer })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(confirm)![1]!;
    expect((await h.app.store.auth.get(['field:creds'])).has('field:creds')).toBe(true);
    const res = await fetch(`${h.base}/admin/whatsapp/unlink`, { method: 'POST', headers: sameOrigin, body: new URLSearchParams({ csrf, route: 'field' }).toString(), redirect: 'manual' });
    expect(res.status).toBe(303);
    await until(() => sockets.length === 3, 'a fresh connection for the field session');
    expect(field.ended).toBe(true);
    expect(front.ended).toBe(false);
    const stored = await h.app.store.auth.get(['field:creds', 'front-desk:creds']);
    expect([stored.has('field:creds'), stored.has('front-desk:creds')]).toEqual([false, true]);
    await sockets[2]!.emit({ 'connection.update': { qr: '2@Fresh0qr,after+unlink/one==,ZmFrZS1rZXk=,c2VjcmV0' } });
    expect((await status()).routes.map((r) => r.state)).toEqual(['n/a', 'open', 'qr']);
  });
});
