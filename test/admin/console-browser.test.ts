import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { until } from '../support/until.js';
import { textWebhook } from '../support/webhooks.js';
import { A11Y_AUDIT } from './a11y-audit.js';
import { CHROMIUM, DESKTOP, PHONE, SHOTS, hasChromium, launchChromium } from './browser-support.js';
import { TOKEN } from './fixtures.js';
import { fakeSocket, settle, type FakeSocket } from '../whatsapp-web/support.js';

const WEB_ENV = { WHATSAPP_TRANSPORT: 'web', WHATSAPP_TOKEN: undefined, WHATSAPP_PHONE_NUMBER_ID: undefined };

/** A Cloud number and two phones linked as WhatsApp Web devices (ROUTES_FILE). */
function routesFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-console-routes-'));
  writeFileSync(
    join(dir, 'routes.yaml'),
    `routes:
  - { name: sales, whatsapp: { transport: cloud, phone_number_id: "106540352242922" }, slack_channel: ${CHANNEL} }
  - { name: front-desk, whatsapp: { transport: web }, slack_channel: ${CHANNEL} }
  - { name: field, whatsapp: { transport: web }, slack_channel: ${CHANNEL} }
`,
  );
  return join(dir, 'routes.yaml');
}

/**
 * The operator console against the whole service: a real app on the fake Slack and Graph, driven
 * in Debian's chromium the way an operator would, at a phone's width and a desktop's.
 */
describe.skipIf(!hasChromium)(`operator console end to end (${CHROMIUM})`, () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  /** The WhatsApp Web transport (with a fake Baileys socket) for the tests that need it. */
  let webTransport = false;
  /** ROUTES_FILE, for the tests of several routes. */
  let routes: string | undefined;
  const sockets: FakeSocket[] = [];
  const remember = (sock: FakeSocket) => (sockets.push(sock), sock);

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    h = await startHarness({ env: { ADMIN_TOKEN: TOKEN, ...(webTransport && !routes ? WEB_ENV : {}), ...(routes ? { ROUTES_FILE: routes } : {}) }, overrides: webTransport ? { webSocketFactory: () => remember(fakeSocket('15550783881:12@s.whatsapp.net')) } : {} });
    problems = [];
  });
  afterEach(async () => {
    await context?.close();
    await h?.close();
    expect(problems).toEqual([]);
  });

  const signIn = async (viewport: { width: number; height: number }) => {
    context = await browser.newContext({ httpCredentials: { username: 'ward-ops', password: TOKEN, origin: h.base }, viewport });
    page = await context.newPage();
    // Well under the test's own timeout, so a missing element is reported as such.
    page.setDefaultTimeout(8_000);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('request', (req) => {
      if (new URL(req.url()).hostname !== '127.0.0.1' && !req.url().startsWith('data:')) problems.push(`remote request: ${req.url()}`);
    });
  };
  const audit = async () => expect(await page.evaluate<string[]>(A11Y_AUDIT)).toEqual([]);
  /** Nothing wider than the screen: no table or card clipped at 390 px. */
  const fits = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(page.viewportSize()!.width);
  const thread = () => h.slack.threadReplies(CHANNEL, h.slack.topLevel(CHANNEL)[0]!.ts).map((m) => m.text ?? '');

  /** A contact's message that cannot be posted: the bot was removed from the support channel. */
  const deadMessage = async (wamid: string, text: string) => {
    await h.webhook(textWebhook('wamid.first-e2e', 'first message'));
    await h.drain();
    h.slack.state.channels.get(CHANNEL)!.isMember = false;
    await h.webhook(textWebhook(wamid, text, { timestamp: 1_749_416_400 }));
    await h.drain();
    const [dead] = await h.app.outbox.listJobs({ status: 'dead', limit: 5 });
    expect(dead?.lastError).toMatch(/^slack_not_in_channel: /);
    return dead!;
  };

  for (const [label, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    it(`retries a dead Slack post once the bot is back in the channel, and the message reaches the thread (${label})`, async () => {
      const dead = await deadMessage('wamid.e2e-retry', 'the message that waited');
      expect(thread()).not.toContain('the message that waited');
      await signIn(viewport);

      await page.goto(`${h.base}/admin`);
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Jobs' }).click();
      const card = page.locator(`[data-job="${dead.id}"]`);
      await card.waitFor();
      expect(await card.getByText('The bot is not a member of the Slack channel.').isVisible()).toBe(true);
      expect(await card.getByText('Invite the bot to the channel').isVisible()).toBe(true);
      await audit();
      await fits();
      await page.screenshot({ path: `${SHOTS}console-jobs-dead-${label}.png`, fullPage: true });

      // The operator follows the advice: the bot is invited back.
      h.slack.state.channels.get(CHANNEL)!.isMember = true;
      await card.getByRole('link', { name: new RegExp(`^Retry job ${dead.id}\\b`) }).click();
      await page.getByRole('heading', { level: 1, name: `Retry job ${dead.id}?` }).waitFor();
      await audit();
      await fits();
      await page.screenshot({ path: `${SHOTS}console-retry-confirm-${label}.png`, fullPage: true });
      expect(await h.app.outbox.listJobs({ status: 'dead', limit: 5 })).toHaveLength(1);
      await page.getByRole('button', { name: 'Yes, retry it' }).click();

      await page.getByRole('status').filter({ hasText: `Job ${dead.id} is queued again` }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/admin/jobs');
      await until(() => thread().includes('the message that waited'), 'the retried message in the Slack thread');
      await h.drain();
      expect(thread().filter((t) => t === 'the message that waited')).toHaveLength(1);
      expect(await h.app.outbox.depth()).toMatchObject({ dead: 0, pending: 0, running: 0 });
      await page.reload();
      await page.getByText('No dead jobs.').waitFor();
      await audit();
      await page.screenshot({ path: `${SHOTS}console-retried-${label}.png`, fullPage: true });
    });

    it(`discards a dead job after confirmation: it is gone and nothing is posted (${label})`, async () => {
      const dead = await deadMessage('wamid.e2e-discard', 'the message nobody needs');
      h.slack.state.channels.get(CHANNEL)!.isMember = true;
      await signIn(viewport);
      await page.goto(`${h.base}/admin/jobs`);
      const card = page.locator(`[data-job="${dead.id}"]`);
      await card.getByRole('link', { name: new RegExp(`^Discard job ${dead.id}\\b`) }).click();
      await page.getByRole('heading', { level: 1, name: `Discard job ${dead.id}?` }).waitFor();
      // Cancel first: nothing changes.
      await page.getByRole('link', { name: 'Cancel' }).click();
      await card.waitFor();
      expect(await h.app.outbox.listJobs({ status: 'dead', limit: 5 })).toHaveLength(1);
      await card.getByRole('link', { name: new RegExp(`^Discard job ${dead.id}\\b`) }).click();
      await audit();
      await page.screenshot({ path: `${SHOTS}console-discard-confirm-${label}.png`, fullPage: true });
      await page.getByRole('button', { name: 'Yes, discard it' }).click();
      await page.getByRole('status').filter({ hasText: `Job ${dead.id} was discarded.` }).waitFor();
      expect(await page.locator(`[data-job="${dead.id}"]`).count()).toBe(0);
      await audit();
      await fits();
      await page.screenshot({ path: `${SHOTS}console-discarded-${label}.png`, fullPage: true });
      expect(await h.app.outbox.depth()).toMatchObject({ dead: 0, pending: 0 });
      expect(thread()).not.toContain('the message nobody needs');
    });
  }

  it('finds a conversation by name or number and links to its Slack thread, at 390 px', async () => {
    await h.webhook(textWebhook('wamid.conv-1', 'hello', { from: '16505551234', name: 'Sheena Nelson' }));
    await h.webhook(textWebhook('wamid.conv-2', 'hi there', { from: '15550783881', name: 'Ward 3 desk' }));
    await h.drain();
    await signIn(PHONE);
    await page.goto(`${h.base}/admin`);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Conversations' }).click();
    expect(await page.locator('.item').count()).toBe(2);
    await page.getByLabel('Name, number or username').fill('+1 650-555-1234');
    await page.getByRole('button', { name: 'Search' }).click();
    const card = page.locator('.item');
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.getByRole('heading').textContent()).toBe('Sheena Nelson');
    expect(await card.getByText('+1 650 555 1234').isVisible()).toBe(true);
    const cardTs = h.slack.topLevel(CHANNEL).find((m) => (m.text ?? '').includes('Sheena'))?.ts ?? h.slack.topLevel(CHANNEL)[0]!.ts;
    const href = await card.getByRole('link', { name: /Open the Slack thread/ }).getAttribute('href');
    expect(href).toBe(`https://${h.slack.state.teamDomain}.slack.com/archives/${CHANNEL}/p${cardTs.replace('.', '')}`);
    await audit();
    await fits();
    await page.screenshot({ path: `${SHOTS}console-conversations-mobile.png`, fullPage: true });
    await page.getByLabel('Name, number or username').fill('ward 3');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Ward 3 desk' }).waitFor();
    // One chat.getPermalink call taught the workspace's address; no call per row.
    expect(h.slack.calls('chat.getPermalink').length).toBe(1);
  });

  describe('on WhatsApp Web', () => {
    beforeAll(() => {
      webTransport = true;
    });
    afterAll(() => {
      webTransport = false;
    });

    it('unlinks from the console: the stored session is forgotten and a new QR code appears (390 px)', async () => {
      const linked = sockets.at(-1)!;
      await linked.emit({ 'creds.update': { account: { details: Buffer.from('d'), accountSignature: Buffer.from('s') }, me: { id: '15550783881:12@s.whatsapp.net', name: 'Ward 3' } } });
      await linked.emit({ 'connection.update': { connection: 'open' } });
      await settle();
      expect((await h.app.store.auth.get(['default:creds'])).has('default:creds')).toBe(true);
      await signIn(PHONE);
      await page.goto(`${h.base}/admin`);
      const panel = page.getByRole('region', { name: 'WhatsApp Web connection' });
      expect(await panel.locator('#wa-detail-state').textContent()).toBe('Connected');
      await panel.getByRole('link', { name: 'Unlink…' }).click();
      await page.getByRole('button', { name: 'Yes, unlink' }).click();
      await until(() => sockets.at(-1) !== linked, 'a fresh WhatsApp Web connection');
      expect((await h.app.store.auth.get(['default:creds'])).has('default:creds')).toBe(false);
      await sockets.at(-1)!.emit({ 'connection.update': { qr: '2@Fresh0qr,after+unlink/one==,ZmFrZS1rZXk=,c2VjcmV0' } });
      await page.getByRole('img', { name: /QR code for linking WhatsApp/ }).waitFor({ state: 'visible', timeout: 15_000 });
      await audit();
      await fits();
      await page.screenshot({ path: `${SHOTS}console-unlinked-new-qr-mobile.png`, fullPage: true });
    });
  });
  describe('with two WhatsApp Web routes and a Cloud number', () => {
    beforeAll(() => {
      webTransport = true;
      routes = routesFile();
    });
    afterAll(() => {
      webTransport = false;
      routes = undefined;
    });

    it('shows a QR code per session, pairs the second by code and unlinks only it (390 px)', async () => {
      const [front, field] = sockets.slice(-2) as [FakeSocket, FakeSocket];
      await front.emit({ 'connection.update': { qr: '2@Front0desk,first+session/one==,ZmFrZS1rZXk=,c2VjcmV0' } });
      await field.emit({ 'connection.update': { qr: '2@Field0visits,second+session/two==,ZmFrZS1rZXk=,c2VjcmV0' } });
      await signIn(PHONE);
      await page.goto(`${h.base}/admin`);
      await page.getByRole('region', { name: 'Link WhatsApp (front-desk)' }).getByRole('img', { name: /^QR code for linking WhatsApp \(front-desk\)/ }).waitFor({ state: 'visible' });
      const fieldPanel = page.getByRole('region', { name: 'Link WhatsApp (field)' });
      await fieldPanel.getByRole('img', { name: /^QR code for linking WhatsApp \(field\)/ }).waitFor({ state: 'visible' });
      expect(await page.locator('#wa-state-sales').textContent()).toBe('Cloud API');
      await audit();
      await fits();
      await page.screenshot({ path: `${SHOTS}console-routes-two-qr-mobile.png`, fullPage: true });

      await fieldPanel.getByLabel('Phone number of the support account (field)').fill('+1 650 555 1234');
      await fieldPanel.getByRole('button', { name: 'Get pairing code' }).click();
      await page.locator('#pairing-code-field', { hasText: 'ABCD-1234' }).waitFor();
      expect(field.pairingRequests).toEqual(['16505551234']);
      expect(front.pairingRequests).toEqual([]);
      // The code is entered on the field phone: its session opens, and the page shows it connected.
      await field.emit({ 'creds.update': { account: { details: Buffer.from('d'), accountSignature: Buffer.from('s') }, me: { id: '15550002222:4@s.whatsapp.net', name: 'Field' } } });
      await field.emit({ 'connection.update': { connection: 'open' } });
      await page.locator('#wa-state-field', { hasText: 'Connected' }).waitFor({ timeout: 15_000 });
      expect((await h.app.store.auth.get(['field:creds'])).has('field:creds')).toBe(true);

      await page.getByRole('region', { name: 'WhatsApp Web connection (field)' }).getByRole('link', { name: 'Unlink field…' }).click();
      await page.getByRole('heading', { level: 1, name: 'Unlink WhatsApp Web (field)?' }).waitFor();
      await audit();
      await fits();
      const opened = sockets.length;
      await page.getByRole('button', { name: 'Yes, unlink' }).click();
      await until(() => sockets.length > opened, 'a fresh connection for the field session');
      expect((await h.app.store.auth.get(['field:creds'])).has('field:creds')).toBe(false);
      // The front desk's connection is left alone: one fresh socket, the field's.
      expect(sockets.length).toBe(opened + 1);
      expect(front.ended).toBe(false);
      await sockets.at(-1)!.emit({ 'connection.update': { qr: '2@Fresh0qr,after+unlink/one==,ZmFrZS1rZXk=,c2VjcmV0' } });
      await page.getByRole('img', { name: /^QR code for linking WhatsApp \(field\)/ }).waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.getByRole('img', { name: /^QR code for linking WhatsApp/ }).count()).toBe(2);
      await audit();
      await fits();
      await page.screenshot({ path: `${SHOTS}console-routes-unlinked-mobile.png`, fullPage: true });
    });
  });
});
