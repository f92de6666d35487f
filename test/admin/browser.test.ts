import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdminStatus, WhatsAppRouteStatus } from '../../src/http/admin/types.js';
import { A11Y_AUDIT } from './a11y-audit.js';
import { CHROMIUM, DESKTOP, PHONE, SHOTS, hasChromium, launchChromium } from './browser-support.js';
import { TOKEN, XSS, buildAdminServer, sampleStatus } from './fixtures.js';

/** Short, so waiting for the page to follow a change stays quick; the auto-waits allow several rounds. */
const REFRESH_MS = 500;
const FOLLOW = { timeout: REFRESH_MS * 10 };

describe.skipIf(!hasChromium)(`admin page in a real browser (${CHROMIUM})`, () => {
  let status: AdminStatus;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let requests: string[];
  let problems: string[];
  /** Console errors a test provokes on purpose (Chromium logs every 4xx it loads). */
  let expectedConsole: RegExp[];
  const requestPairingCode = vi.fn(async (_phone: string) => 'WZYX9876');
  const unlink = vi.fn(async () => {
    status = sampleStatus();
  });

  beforeAll(async () => {
    app = buildAdminServer({ status: async () => status, pairing: { requestPairingCode }, refreshMs: REFRESH_MS, unlink });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(async () => {
    status = sampleStatus();
    requests = [];
    problems = [];
    expectedConsole = [];
    // The browser signs in the way an operator does: it gets the 401 challenge and answers it.
    context = await browser.newContext({ httpCredentials: { username: 'operator', password: TOKEN, origin: base }, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('request', (req) => requests.push(req.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !expectedConsole.some((re) => re.test(msg.text()))) problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  });

  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
    const remote = requests.filter((url) => !url.startsWith('data:') && new URL(url).hostname !== '127.0.0.1');
    expect(remote).toEqual([]);
  });

  const open = async () => {
    const res = await page.goto(`${base}/admin`);
    expect(res?.status()).toBe(200);
  };
  const audit = async () => expect(await page.evaluate<string[]>(A11Y_AUDIT)).toEqual([]);

  it('shows the QR, the state, the queue, the failures and the Jira target while pairing', async () => {
    await open();
    expect(await page.title()).toBe('Waiting for pairing · Switchboard admin');
    await expect.soft(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Switchboard admin');
    const qr = page.getByRole('img', { name: /QR code for linking WhatsApp/ });
    await qr.waitFor({ state: 'visible' });
    const box = await qr.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(await page.locator('#wa-state').textContent()).toBe('Waiting for pairing');
    expect(await page.locator('[data-field="queue.pending"]').textContent()).toBe('3');
    expect(await page.locator('[data-field="queue.running"]').textContent()).toBe('1');
    expect(await page.locator('[data-field="queue.dead"]').textContent()).toBe('2');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    // The hostile reason is shown as text, not run (a dialog would be recorded as a problem).
    expect(await rows.first().locator('.reason').textContent()).toBe(XSS);
    expect(await page.getByText('SUP (desk 1) · request type 10').isVisible()).toBe(true);
    expect(await page.getByText('#it-support').isVisible()).toBe(true);
    await audit();
    await page.screenshot({ path: `${SHOTS}qr.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await audit();
    await page.screenshot({ path: `${SHOTS}qr-mobile.png`, fullPage: true });
  });

  it('follows the rotating QR in place and the queue numbers without reloading', async () => {
    await open();
    const path = page.locator('#qr svg path').last();
    const before = await path.getAttribute('d');
    await page.evaluate("window.__sameDocument = true; window.__svg = document.querySelector('#qr svg')");
    // A poll that brings the same QR leaves it in place (no flicker, nothing detached under the operator).
    status = sampleStatus({ queue: { pending: 5, running: 1, dead: 2 } });
    await page.locator('[data-field="queue.pending"]', { hasText: '5' }).waitFor(FOLLOW);
    expect(await page.evaluate("document.querySelector('#qr svg') === window.__svg")).toBe(true);
    status = sampleStatus({ whatsapp: { state: 'qr', qr: '2@Rotated0next,another+payload/two==,ZmFrZS1rZXk=,c2VjcmV0' }, queue: { pending: 7, running: 2, dead: 2 } });
    await expect.poll(() => path.getAttribute('d'), FOLLOW).not.toBe(before);
    await page.locator('[data-field="queue.pending"]', { hasText: '7' }).waitFor(FOLLOW);
    expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
    await page.getByRole('img', { name: /QR code for linking WhatsApp/ }).waitFor({ state: 'visible' });
  });

  it('switches to Connected by itself once the phone is linked', async () => {
    await open();
    status = sampleStatus({ whatsapp: { state: 'open', account: '+1 555-078-3881 (Ward 3 support)' } });
    await page.locator('body[data-state="open"]').waitFor({ state: 'attached', ...FOLLOW });
    expect(await page.locator('#wa-state').textContent()).toBe('Connected');
    expect(await page.title()).toBe('Connected · Switchboard admin');
    expect(await page.locator('#qr').count()).toBe(0);
    expect(await page.getByText('+1 555-078-3881 (Ward 3 support)').isVisible()).toBe(true);
    await audit();
    await page.screenshot({ path: `${SHOTS}open.png`, fullPage: true });
  });

  it('requests a pairing code for a phone number and explains a wrong one', async () => {
    requestPairingCode.mockClear();
    await open();
    const phone = page.getByLabel('Phone number of the support account');
    expectedConsole.push(/status of 400 \(Bad Request\)/);
    await phone.fill('0170 1234567');
    await page.getByRole('button', { name: 'Get pairing code' }).click();
    await page.getByRole('alert').filter({ hasText: 'country code' }).waitFor();
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    expect(await phone.inputValue()).toBe('0170 1234567');
    expect(requestPairingCode).not.toHaveBeenCalled();
    await audit();

    await phone.fill('+1 650 555 1234');
    await page.getByRole('button', { name: 'Get pairing code' }).click();
    await page.locator('#pairing-code', { hasText: 'WZYX-9876' }).waitFor();
    expect(requestPairingCode).toHaveBeenCalledWith('16505551234');
    await audit();
    await page.screenshot({ path: `${SHOTS}pairing-code.png`, fullPage: true });
    // The code stays on screen while the QR keeps rotating…
    const path = page.locator('#qr svg path').last();
    const before = await path.getAttribute('d');
    status = sampleStatus({ whatsapp: { state: 'qr', qr: '2@Rotated0again,third+payload/3==,ZmFrZS1rZXk=,c2VjcmV0' } });
    await expect.poll(() => path.getAttribute('d'), FOLLOW).not.toBe(before);
    expect(await page.locator('#pairing-code').textContent()).toBe('WZYX-9876');
    // …and gives way to the connected page once the code has been entered.
    status = sampleStatus({ whatsapp: { state: 'open' } });
    await page.locator('body[data-state="open"]').waitFor({ state: 'attached', ...FOLLOW });
    expect(new URL(page.url()).pathname).toBe('/admin');
  });

  it('works without JavaScript: everything is on the page and the form posts', async () => {
    await context.close();
    context = await browser.newContext({ javaScriptEnabled: false, httpCredentials: { username: 'operator', password: TOKEN, origin: base } });
    page = await context.newPage();
    page.on('request', (req) => requests.push(req.url()));
    await open();
    await page.getByRole('img', { name: /QR code for linking WhatsApp/ }).waitFor({ state: 'visible' });
    expect(await page.locator('tbody tr').count()).toBe(2);
    await page.getByLabel('Phone number of the support account').fill('16505551234');
    await page.getByRole('button', { name: 'Get pairing code' }).click();
    await page.locator('#pairing-code', { hasText: 'WZYX-9876' }).waitFor();
  });

  it('asks to pair again after WhatsApp logged the device out, then shows the new QR', async () => {
    status = sampleStatus({ whatsapp: { state: 'logged_out' } });
    await open();
    await page.getByRole('alert').filter({ hasText: 'WhatsApp logged this device out.' }).waitFor();
    expect(await page.getByText('Waiting for WhatsApp to offer a QR code…').isVisible()).toBe(true);
    await audit();
    await page.screenshot({ path: `${SHOTS}logged-out.png`, fullPage: true });
    // When the transport starts over, the new QR appears without the operator reloading.
    status = sampleStatus();
    await page.getByRole('img', { name: /QR code for linking WhatsApp/ }).waitFor({ state: 'visible', ...FOLLOW });
  });

  for (const [label, viewport] of [['mobile', PHONE], ['desktop', DESKTOP]] as const) {
    it(`says why WhatsApp Web is connecting, shows pacing and Jira sync, and unlinks after confirmation (${label})`, async () => {
      unlink.mockClear();
      status = sampleStatus({
        whatsapp: { state: 'connecting', detail: { state: 'connecting', since: Date.UTC(2025, 0, 15, 9, 0), attempt: 5, paired: true, lastDisconnect: { code: 500, reason: 'Bad MAC', at: Date.UTC(2025, 0, 15, 8, 59) } } },
        pacing: { shared: false, slack: { perSecond: 1, burst: 3 }, slackPaused: [{ channel: 'C0123456789', until: Date.UTC(2025, 0, 15, 9, 1) }], graphPaused: 2 },
        jira: { enabled: true, target: 'SUP (desk 1) · request type 10', sync: { lastSuccessAt: Date.UTC(2025, 0, 15, 8, 0), lastFailureAt: Date.UTC(2025, 0, 15, 8, 30), lastFailureCode: 'jira_unauthorized', pending: 4, pendingLimit: 500 } },
      });
      await page.setViewportSize(viewport);
      await open();
      const panel = page.getByRole('region', { name: 'WhatsApp Web connection' });
      expect(await panel.locator('#wa-last-disconnect').textContent()).toContain('500: bad session (stored keys no longer work)');
      expect(await panel.locator('#wa-attempts').textContent()).toBe('5');
      expect(await page.getByRole('region', { name: 'Pacing' }).getByText('C0123456789').isVisible()).toBe(true);
      expect(await page.locator('#jira-pending').textContent()).toBe('4');
      await audit();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: `${SHOTS}console-overview-${label}.png`, fullPage: true });
      await panel.getByRole('link', { name: 'Unlink…' }).click();
      await page.getByRole('heading', { level: 1, name: 'Unlink WhatsApp Web?' }).waitFor();
      expect(unlink).not.toHaveBeenCalled();
      await audit();
      await page.screenshot({ path: `${SHOTS}console-unlink-confirm-${label}.png`, fullPage: true });
      await page.getByRole('button', { name: 'Yes, unlink' }).click();
      // Back on the overview, where the new QR code waits.
      await page.getByRole('img', { name: /QR code for linking WhatsApp/ }).waitFor({ state: 'visible' });
      expect(new URL(page.url()).pathname).toBe('/admin');
      expect(unlink).toHaveBeenCalledOnce();
    });
  }

  it('shows a QR code for each of two WhatsApp Web sessions and pairs the second by code, at 390 px', async () => {
    const frontCode = vi.fn(async (_phone: string) => 'FRNT1234');
    const fieldCode = vi.fn(async (_phone: string) => 'FELD5678');
    const noUnlink = async () => Promise.reject(new Error('not in this test'));
    const routes = (front: Partial<WhatsAppRouteStatus>, field: Partial<WhatsAppRouteStatus>): AdminStatus =>
      sampleStatus({
        routes: [
          { route: 'sales', transport: 'cloud', state: 'n/a' },
          { route: 'front-desk', transport: 'web', state: 'qr', qr: '2@Front0desk,first+session/one==,ZmFrZS1rZXk=,c2VjcmV0', ...front },
          { route: 'field', transport: 'web', state: 'qr', qr: '2@Field0visits,second+session/two==,ZmFrZS1rZXk=,c2VjcmV0', ...field },
        ],
      });
    let several = routes({}, {});
    const multi = buildAdminServer({
      status: async () => several,
      refreshMs: REFRESH_MS,
      routes: [{ name: 'sales' }, { name: 'front-desk', session: { requestPairingCode: frontCode, unlink: noUnlink } }, { name: 'field', session: { requestPairingCode: fieldCode, unlink: noUnlink } }],
    });
    const multiBase = await multi.listen({ host: '127.0.0.1', port: 0 });
    try {
      await context.close();
      context = await browser.newContext({ httpCredentials: { username: 'operator', password: TOKEN, origin: multiBase }, viewport: PHONE });
      page = await context.newPage();
      page.on('request', (req) => requests.push(req.url()));
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
      expect((await page.goto(`${multiBase}/admin`))?.status()).toBe(200);

      const qrs = page.getByRole('img', { name: /^QR code for linking WhatsApp/ });
      await expect.poll(() => qrs.count()).toBe(2);
      for (const route of ['front-desk', 'field']) {
        const qr = page.getByRole('region', { name: `Link WhatsApp (${route})` }).getByRole('img', { name: new RegExp(`^QR code for linking WhatsApp \\(${route}\\)`) });
        await qr.waitFor({ state: 'visible' });
        expect((await qr.boundingBox())!.width).toBeGreaterThan(200);
      }
      expect(await page.locator('#wa-state-sales').textContent()).toBe('Cloud API');
      await audit();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: `${SHOTS}routes-two-qr-mobile.png`, fullPage: true });

      const field = page.getByRole('region', { name: 'Link WhatsApp (field)' });
      await field.getByLabel('Phone number of the support account (field)').fill('+1 650 555 1234');
      await field.getByRole('button', { name: 'Get pairing code' }).click();
      await page.locator('#pairing-code-field', { hasText: 'FELD-5678' }).waitFor();
      expect(fieldCode).toHaveBeenCalledWith('16505551234');
      expect(frontCode).not.toHaveBeenCalled();
      await audit();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: `${SHOTS}routes-pairing-code-mobile.png`, fullPage: true });
      // The front desk's QR keeps rotating in place beside the code…
      const path = page.locator('#qr-front-desk svg path').last();
      const before = await path.getAttribute('d');
      several = routes({ qr: '2@Front0rotated,first+session/2==,ZmFrZS1rZXk=,c2VjcmV0' }, {});
      await expect.poll(() => path.getAttribute('d'), FOLLOW).not.toBe(before);
      expect(await page.locator('#pairing-code-field').textContent()).toBe('FELD-5678');
      // …and the code gives way once the field phone is linked.
      several = routes({ qr: '2@Front0rotated,first+session/2==,ZmFrZS1rZXk=,c2VjcmV0' }, { state: 'open', qr: undefined, account: '+1 555-000-2222 (Field)' });
      await page.locator('body[data-routes="sales:n/a,front-desk:qr,field:open"]').waitFor({ state: 'attached', ...FOLLOW });
      expect(await page.locator('#wa-state-field').textContent()).toBe('Connected');
      expect(await qrs.count()).toBe(1);
      await audit();
    } finally {
      await multi.close();
    }
  });

  it('says how to turn the page on when ADMIN_TOKEN is unset, styled under its CSP, at 390 px too', async () => {
    const off = buildAdminServer({ token: undefined, status: async () => status });
    const offBase = await off.listen({ host: '127.0.0.1', port: 0 });
    try {
      expectedConsole = [/status of 404/];
      const violations: string[] = [];
      page.on('console', (msg) => msg.text().includes('Content Security Policy') && violations.push(msg.text()));
      const res = await page.goto(`${offBase}/admin`);
      expect(res?.status()).toBe(404);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('The admin page is off');
      expect(await page.getByRole('listitem').first().textContent()).toContain('ADMIN_TOKEN');
      // The stylesheet applied (the nonce matched): the header bar has the brand colour.
      expect(await page.evaluate<string>("getComputedStyle(document.querySelector('header.top')).backgroundColor")).toBe('rgb(13, 53, 83)');
      expect(violations).toEqual([]);
      await audit();
      await page.screenshot({ path: `${SHOTS}disabled.png`, fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await audit();
      await page.screenshot({ path: `${SHOTS}disabled-mobile.png`, fullPage: true });
    } finally {
      await off.close();
    }
  });
});
