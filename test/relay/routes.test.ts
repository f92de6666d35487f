import { afterEach, describe, expect, it } from 'vitest';
import { formatInternational } from '../../src/core/format/phone.js';
import { createFakeJira, type FakeJira } from '../fakes/jira.js';
import { fakeSocket, fixtureMessage, type FakeSocket } from '../whatsapp-web/support.js';
import { allText, captureLogLines } from '../support/cloud-thread.js';
import { CHANNEL, fixture, JIRA_EMAIL, JIRA_TOKEN, PHONE_NUMBER_ID, startHarness, type Harness } from '../support/harness.js';
import { AGENT, eventCallback, threadReply } from '../support/slack-events.js';
import { cardClick, RESOLVE_MODAL } from '../support/card-actions.js';
import { modal } from '../support/slack-interactions.js';
import { routesFile, SERVICE_CHANNEL, SERVICE_NUMBER, toNumber } from '../support/routes.js';
import { textWebhook, WA_ID } from '../support/webhooks.js';
import { until } from '../support/until.js';

/** The second Cloud number of the account (SERVICE_NUMBER), and the display numbers of the others. Service and field visits share a channel; sales has its own. */
const { id: SERVICE_NUMBER_ID, display: SERVICE_DISPLAY } = SERVICE_NUMBER;
const SALES_DISPLAY = '15550783881';
const FIELD_ACCOUNT = '15550001234';

const ADMIN_TOKEN = 'admin-token-of-the-routes-test';

const ROUTES = `
# Sales and service are Cloud API numbers of one account; field service pairs a phone on /admin.
routes:
  - name: sales
    whatsapp:
      transport: cloud
      phone_number_id: "${PHONE_NUMBER_ID}"
    slack_channel: ${CHANNEL}
    jira:
      service_desk_id: "1"
      request_type_id: "10"
  - name: service
    whatsapp:
      transport: cloud
      phone_number_id: ${SERVICE_NUMBER_ID}
      token_env: WHATSAPP_TOKEN_SERVICE
    slack_channel: "#field-service"
    jira:
      service_desk_id: "2"
      request_type_id: "20"
  - name: field
    whatsapp:
      transport: web
    slack_channel: ${SERVICE_CHANNEL}
`;

/** A text sent now (the 24-hour window is open) to the first Cloud number. */
const salesWebhook = (id: string, body: string) => textWebhook(id, body, { timestamp: Math.floor(Date.now() / 1000) });

/** A text webhook for the other Cloud number: the same documented shape, its own metadata. */
const serviceWebhook = (id: string, body: string) => toNumber(salesWebhook(id, body), { display: SERVICE_DISPLAY, id: SERVICE_NUMBER_ID });

describe('several WhatsApp numbers in one service (ROUTES_FILE)', () => {
  let h: Harness;
  let jira: FakeJira;
  afterEach(async () => {
    await h?.close();
    await jira?.close();
  });

  async function start(logs?: NodeJS.WritableStream): Promise<FakeSocket> {
    jira = await createFakeJira({
      email: JIRA_EMAIL,
      apiToken: JIRA_TOKEN,
      serviceDesks: [
        { id: '1', projectKey: 'SAL', name: 'Sales', requestTypes: [{ id: '10', name: 'WhatsApp conversation' }] },
        { id: '2', projectKey: 'FLD', name: 'Field service', requestTypes: [{ id: '20', name: 'Service call' }] },
      ],
    });
    const sockets: FakeSocket[] = [];
    h = await startHarness({
      jira,
      logs,
      slack: { channels: [{ id: CHANNEL, name: 'sales' }, { id: SERVICE_CHANNEL, name: 'field-service' }] },
      graph: { morePhoneNumberIds: [SERVICE_NUMBER_ID] },
      // The single-number variables stay in the environment: the routes file replaces them.
      env: { ROUTES_FILE: routesFile(ROUTES), WHATSAPP_TOKEN_SERVICE: 'test-graph-token', ADMIN_TOKEN },
      overrides: {
        webSocketFactory: () => {
          const sock = fakeSocket(`${FIELD_ACCOUNT}:7@s.whatsapp.net`);
          sockets.push(sock);
          return sock;
        },
      },
    });
    expect(sockets).toHaveLength(1);
    await sockets[0]!.emit({ 'connection.update': { connection: 'open' } });
    return sockets[0]!;
  }

  it('puts each number’s card, thread, replies and requests where its route says', async () => {
    const sock = await start();
    // The same person writes to all three numbers.
    expect((await h.webhook(salesWebhook('wamid.sales-1', 'Do you have the X200 in stock?'))).status).toBe(200);
    expect((await h.webhook(serviceWebhook('wamid.service-1', 'The X200 at Ward 3 beeps'))).status).toBe(200);
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation')] } });
    await until(async () => (await h.app.outbox.depth()).done >= 3, 'three messages relayed');
    await h.drain();

    // Three conversations of one person, one card each: sales in its channel, the other two in the shared one.
    const [salesCard, ...salesOthers] = h.slack.topLevel(CHANNEL);
    expect(salesOthers).toEqual([]);
    const shared = h.slack.topLevel(SERVICE_CHANNEL);
    expect(shared).toHaveLength(2);
    for (const card of [salesCard!, ...shared]) expect(allText(card)).toContain(formatInternational(WA_ID));
    // Each card says which number was written to: in the shared channel that tells them apart.
    expect(allText(salesCard!)).toContain(formatInternational(SALES_DISPLAY));
    const serviceCard = shared.find((c) => allText(c).includes(formatInternational(SERVICE_DISPLAY)));
    const fieldCard = shared.find((c) => allText(c).includes(formatInternational(FIELD_ACCOUNT)));
    expect(serviceCard && fieldCard && serviceCard !== fieldCard).toBe(true);
    // Each thread: the message, then the request of its route's service desk (SAL: desk 1, FLD: desk 2).
    const thread = (channel: string, ts: string) => h.slack.threadReplies(channel, ts).map((m) => m.text ?? '');
    expect(thread(CHANNEL, salesCard!.ts)).toEqual(['Do you have the X200 in stock?', expect.stringContaining('Request SAL-')]);
    expect(thread(SERVICE_CHANNEL, serviceCard!.ts)).toEqual(['The X200 at Ward 3 beeps', expect.stringContaining('Request FLD-')]);
    expect(thread(SERVICE_CHANNEL, fieldCard!.ts)).toEqual(['Hi, my order #4411 has not arrived yet', expect.stringContaining('Request SAL-')]);

    // Each route raised its request in its own service desk (field service: the default desk of the environment).
    const requests = [...jira.requests.values()];
    const deskOf = (text: string) => requests.filter((r) => JSON.stringify(r.fields).includes(text) || r.comments.some((c) => c.body.includes(text))).map((r) => r.serviceDeskId);
    expect(requests).toHaveLength(3);
    expect(deskOf('Do you have the X200 in stock?')).toEqual(['1']);
    expect(deskOf('The X200 at Ward 3 beeps')).toEqual(['2']);
    expect(deskOf('my order #4411')).toEqual(['1']);

    // An agent's reply in each thread goes out from that thread's number.
    const reply = async (channel: string, cardTs: string, text: string) => {
      const posted = h.slack.addUserMessage({ channel, user: AGENT, text, thread_ts: cardTs });
      expect((await h.slackEvent(eventCallback(threadReply(channel, cardTs, text, { ts: posted.ts })))).status).toBe(200);
    };
    await reply(CHANNEL, salesCard!.ts, 'Yes, two left');
    await reply(SERVICE_CHANNEL, serviceCard!.ts, 'A technician is on the way');
    await reply(SERVICE_CHANNEL, fieldCard!.ts, 'Let me check the order');
    await h.drain();
    const sends = h.graph.calls.filter((c) => c.op === 'send' && c.status === 200).map((c) => c.path);
    expect(sends).toEqual([`/v23.0/${PHONE_NUMBER_ID}/messages`, `/v23.0/${SERVICE_NUMBER_ID}/messages`]);
    expect(h.graph.sent.map((b) => [b.to, JSON.stringify(b.text)])).toEqual([
      [WA_ID, expect.stringContaining('Yes, two left')],
      [WA_ID, expect.stringContaining('A technician is on the way')],
    ]);
    expect(sock.sent).toEqual([
      { jid: `${WA_ID}@s.whatsapp.net`, content: expect.objectContaining({ text: expect.stringContaining('Let me check the order') }), messageId: expect.stringMatching(/^3EB0/) },
    ]);
    // …and reaches that conversation's request.
    expect(deskOf('Yes, two left')).toEqual(['1']);
    expect(deskOf('A technician is on the way')).toEqual(['2']);
    expect(deskOf('Let me check the order')).toEqual(['1']);

    // The conversations stay apart: the next message to the service number lands in its thread.
    await h.webhook(serviceWebhook('wamid.service-2', 'It stopped now'));
    await h.drain();
    expect(h.slack.threadReplies(SERVICE_CHANNEL, serviceCard!.ts).map((m) => m.text)).toContain('It stopped now');
    expect(h.slack.threadReplies(CHANNEL, salesCard!.ts).map((m) => m.text)).not.toContain('It stopped now');
  });

  it('opens the Resolve modal from a card in another route’s channel, with that conversation’s own window', async () => {
    const sock = await start();
    // The WhatsApp Web message is old (its fixture's date): only a Cloud number's window could be closed by it.
    expect((await h.webhook(serviceWebhook('wamid.service-1', 'The X200 at Ward 3 beeps'))).status).toBe(200);
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation')] } });
    await until(async () => (await h.app.outbox.depth()).done >= 2, 'two messages relayed');
    await h.drain();
    const shared = h.slack.topLevel(SERVICE_CHANNEL);
    expect(shared).toHaveLength(2);
    for (const card of shared) {
      const before = h.slack.views('modal').length;
      const form = cardClick({ cardTs: card.ts, action: 'resolve', channel: SERVICE_CHANNEL, triggerId: h.slack.issueTrigger() });
      expect((await h.slackEvent(null, { form })).status).toBe(200);
      expect(h.slack.views('modal')).toHaveLength(before + 1);
      const blocks = JSON.stringify(modal(h.slack, RESOLVE_MODAL).view.blocks);
      expect(blocks).toContain('"block_id":"closing"');
      expect(blocks).not.toContain('window-closed');
    }
  });

  it('shows the WhatsApp Web route’s session on /admin although the first route is a Cloud number', async () => {
    await start();
    const res = await fetch(`${h.base}/admin/status.json`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ transport: 'web', whatsapp: { state: 'open' } });
    expect(await (await fetch(`${h.base}/readyz`)).json()).toMatchObject({ ok: true });
  });

  it('acknowledges a webhook for a number of no route, posts nothing, and logs that once', async () => {
    const { sink, lines } = captureLogLines();
    await start(sink);
    expect((await h.webhook(fixture('other-number-text'))).status).toBe(200);
    expect((await h.webhook(fixture('other-number-text'))).status).toBe(200);
    await h.drain();
    expect(h.slack.topLevel(CHANNEL)).toEqual([]);
    expect(h.slack.topLevel(SERVICE_CHANNEL)).toEqual([]);
    expect(await h.app.outbox.depth()).toMatchObject({ pending: 0, done: 0 });
    const notes = lines().filter((l) => String(l.msg).includes('another phone number'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ phoneNumberId: '106540352242923' });
  });
});
