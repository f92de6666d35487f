import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdminStatus } from '../../src/http/admin/types.js';
import { A11Y_AUDIT } from './a11y-audit.js';
import { CHROMIUM, SHOTS, hasChromium, serveToChromium } from './browser-support.js';
import { TOKEN, buildAdminServer, sampleStatus } from './fixtures.js';

/** Short, so waiting for the page to follow a change stays quick; the auto-waits allow several rounds. */
const REFRESH_MS = 500;
const FOLLOW = { timeout: REFRESH_MS * 10 };

/**
 * The overview with LOCALE=pt-BR in a real browser: beside the server's words, what the script
 * writes itself (numbers, the server not answering, signed out) comes out in Portuguese.
 */
describe.skipIf(!hasChromium)(`admin page in pt-BR in a real browser (${CHROMIUM})`, () => {
  let status: AdminStatus;
  let failing: boolean;
  let served: Awaited<ReturnType<typeof serveToChromium>> | undefined;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const app = buildAdminServer({
      locale: 'pt-BR',
      refreshMs: REFRESH_MS,
      status: async () => {
        if (failing) throw new Error('store unavailable');
        return status;
      },
    });
    served = await serveToChromium(app);
    ({ base, browser } = served);
  });

  afterAll(async () => served?.close());

  beforeEach(async () => {
    status = sampleStatus();
    failing = false;
    problems = [];
    context = await browser.newContext({ httpCredentials: { username: 'operator', password: TOKEN, origin: base }, viewport: { width: 390, height: 844 } });
    page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    // Chromium logs every failed poll (500, 401) this test provokes; anything else is a problem.
    page.on('console', (msg) => msg.type() === 'error' && !/status of (500|401)/.test(msg.text()) && problems.push(`console: ${msg.text()}`));
  });

  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });

  const audit = async () => expect(await page.evaluate<string[]>(A11Y_AUDIT)).toEqual([]);

  it('shows the page in Portuguese, and the script writes numbers and its notes in Portuguese', async () => {
    expect((await page.goto(`${base}/admin`))?.status()).toBe(200);
    expect(await page.title()).toBe('Aguardando pareamento · Administração do Switchboard');
    expect(await page.locator('html').getAttribute('lang')).toBe('pt-BR');
    await page.getByRole('img', { name: /^QR code para conectar o WhatsApp: leia-o com o celular/ }).waitFor({ state: 'visible' });
    expect(await page.locator('#wa-state').textContent()).toBe('Aguardando pareamento');
    const note = page.locator('#poll-note .alert');
    expect(await note.count()).toBe(0);

    // Figures the script writes in place follow the page's locale: 12.345, not 12,345 or 12345.
    status = sampleStatus({ queue: { pending: 12345, running: 1, dead: 2 } });
    await page.locator('[data-field="queue.pending"]', { hasText: '12.345' }).waitFor(FOLLOW);

    // The server stops answering: the page says so, in Portuguese, and carries on once it is back.
    failing = true;
    await page.getByRole('status').filter({ hasText: 'O Switchboard não está respondendo: os números desta página podem estar desatualizados.' }).waitFor(FOLLOW);
    await audit();
    await page.screenshot({ path: `${SHOTS}pt-BR-offline-mobile.png`, fullPage: true });
    failing = false;
    status = sampleStatus({ queue: { pending: 7, running: 1, dead: 2 } });
    await note.waitFor({ state: 'detached', ...FOLLOW });
    await page.locator('[data-field="queue.pending"]', { hasText: '7' }).waitFor(FOLLOW);

    // Signed out (the token changed under a page left open): said once, and the polling stops.
    await page.route('**/admin/status.json', (route) => route.fulfill({ status: 401, body: '' }));
    await page.getByRole('status').filter({ hasText: 'Sessão encerrada: recarregue a página para entrar de novo.' }).waitFor(FOLLOW);
    expect(await page.locator('body').getAttribute('data-text-signed-out')).toBe('Sessão encerrada: recarregue a página para entrar de novo.');
    await audit();
  });
});
