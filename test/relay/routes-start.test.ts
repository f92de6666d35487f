/**
 * Starting a conversation from Slack with several numbers (ROUTES_FILE): the start modal's "Send
 * from" picks the route, and the route decides the number that sends, its account's templates (or
 * free text on WhatsApp Web), the channel the card goes to; the thread's template picker offers
 * the conversation's own number's templates. Each route's label names its number on the cards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatInternational } from '../../src/core/format/phone.js';
import type { FakeTemplate } from '../fakes/graph.js';
import { fakeSocket, type FakeSocket } from '../whatsapp-web/support.js';
import { allText } from '../support/cloud-thread.js';
import { CHANNEL, PHONE_NUMBER_ID, startHarness, type Harness } from '../support/harness.js';
import { routesFile, SERVICE_CHANNEL, SERVICE_NUMBER, toNumber } from '../support/routes.js';
import { AGENT, buttonClick, eventCallback, threadReply } from '../support/slack-events.js';
import { globalShortcut, modal, picked, slashCommand, typed, values, viewAction, viewSubmission } from '../support/slack-interactions.js';
import { textWebhook, WA_ID } from '../support/webhooks.js';

/** Two WhatsApp Business Accounts of one app (Meta's example ids), a Cloud number each, and a phone linked as WhatsApp Web. */
const SALES_WABA = '102290129340398';
const SERVICE_WABA = '102290129340399';
const { id: SERVICE_NUMBER_ID, display: SERVICE_DISPLAY } = SERVICE_NUMBER;
const FIELD_CHANNEL = 'C0FIELD0001';

const REMINDER: FakeTemplate = { name: 'appointment_reminder', language: 'en_US', body: 'Hello {{1}}, your appointment at {{2}} is confirmed.' };
const VISIT: FakeTemplate = { name: 'service_visit', language: 'en_US', body: 'Hello {{1}}, our technician comes at {{2}}.' };
const users = [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }];

// The service channel is named, not an id: `/whatsapp` typed in it still finds its route.
const ROUTES = `
routes:
  - name: sales
    label: Sales
    whatsapp: { transport: cloud, phone_number_id: "${PHONE_NUMBER_ID}", business_account_id: "${SALES_WABA}" }
    slack_channel: ${CHANNEL}
  - name: service
    label: Service desk
    whatsapp: { transport: cloud, phone_number_id: "${SERVICE_NUMBER_ID}", business_account_id: "${SERVICE_WABA}", token_env: WHATSAPP_TOKEN_SERVICE }
    slack_channel: "#field-service"
  - name: field
    label: Field team
    whatsapp: { transport: web }
    slack_channel: ${FIELD_CHANNEL}
`;

type Block = { block_id?: string; element?: { options?: Array<{ value: string; text: { text: string } }>; initial_option?: { value: string } } };
const blocks = (h: Harness, callbackId: string) => modal(h.slack, callbackId).view.blocks as Block[];
const block = (h: Harness, callbackId: string, id: string) => blocks(h, callbackId).find((b) => b.block_id === id);
const optionValues = (b: Block | undefined) => b?.element?.options?.map((o) => o.value);

/** A template chosen with its variables, sent from `route` ("Send from"). */
function startState(route: string, template: FakeTemplate, vars: string[]) {
  const fields: Record<string, ReturnType<typeof typed> | ReturnType<typeof picked>> = { route: picked(route), phone: typed('+1 650 555 1234'), name: typed('Sheena'), template: picked(`${template.name}|${template.language}`) };
  vars.forEach((v, i) => (fields[`var_${i + 1}`] = typed(v)));
  const actions = Object.fromEntries(vars.map((_, i) => [`var_${i + 1}`, 'switchboard_template_var']));
  return values(fields, { route: 'switchboard_pick_route', template: 'switchboard_pick_template', ...actions });
}

describe('starting a conversation from Slack with several numbers', () => {
  let h: Harness;
  let sock: FakeSocket;
  afterEach(async () => {
    if (h) expect(await h.app.outbox.recentDead(10)).toHaveLength(0);
    await h?.close();
  });

  async function start(routes = ROUTES): Promise<void> {
    const sockets: FakeSocket[] = [];
    h = await startHarness({
      slack: { users, channels: [{ id: CHANNEL, name: 'sales' }, { id: SERVICE_CHANNEL, name: 'field-service' }, { id: FIELD_CHANNEL, name: 'field' }] },
      graph: { templates: [REMINDER], moreAccounts: [{ wabaId: SERVICE_WABA, phoneNumberIds: [SERVICE_NUMBER_ID], templates: [VISIT] }] },
      env: { ROUTES_FILE: routesFile(routes), WHATSAPP_TOKEN_SERVICE: 'test-graph-token' },
      overrides: {
        webSocketFactory: () => {
          const s = fakeSocket('15550001234:7@s.whatsapp.net');
          sockets.push(s);
          return s;
        },
      },
    });
    sock = sockets[0]!;
    await sock.emit({ 'connection.update': { connection: 'open' } });
  }

  const pickRoute = (route: string) => h.slackEvent(undefined, { form: viewAction(h.slack, modal(h.slack, 'switchboard_start'), { actionId: 'switchboard_pick_route', blockId: 'route', value: route, select: true }) });

  it('sends from the number picked in "Send from", with its account’s templates, and opens the card in its channel', async () => {
    await start();
    expect((await h.slackEvent(undefined, { form: globalShortcut(h.slack, 'switchboard_start') })).status).toBe(200);
    // The shortcut is typed nowhere: the first route is chosen, and every number is offered by its label.
    const from = block(h, 'switchboard_start', 'route');
    expect(from?.element?.options?.map((o) => [o.value, o.text.text])).toEqual([
      ['sales', 'Sales'],
      ['service', 'Service desk'],
      ['field', 'Field team'],
    ]);
    expect(from?.element?.initial_option?.value).toBe('sales');
    expect(optionValues(block(h, 'switchboard_start', 'template'))).toEqual(['appointment_reminder|en_US']);

    // Another number: the view is drawn again with that account's templates.
    expect((await pickRoute('service')).status).toBe(200);
    expect(modal(h.slack, 'switchboard_start').updates).toBe(1);
    expect(optionValues(block(h, 'switchboard_start', 'template'))).toEqual(['service_visit|en_US']);

    const res = await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startState('service', VISIT, ['Sheena', '10:00'])) });
    expect(await res.text()).toBe('');
    await h.drain();
    const sends = h.graph.calls.filter((c) => c.op === 'send' && c.status === 200).map((c) => c.path);
    expect(sends).toEqual([`/v23.0/${SERVICE_NUMBER_ID}/messages`]);
    expect(h.graph.sent).toEqual([expect.objectContaining({ to: WA_ID, type: 'template', template: expect.objectContaining({ name: 'service_visit' }) })]);
    expect(h.slack.topLevel(CHANNEL)).toEqual([]);
    const [card, ...others] = h.slack.topLevel(SERVICE_CHANNEL);
    expect(others).toEqual([]);
    expect(JSON.stringify(card!.blocks)).toContain('Service desk');
    expect(h.slack.threadReplies(SERVICE_CHANNEL, card!.ts)[0]!.text).toContain('Hello Sheena, our technician comes at 10:00.');

    // The answer to that number lands in that thread, and the card names the number by its label.
    const answer = toNumber(textWebhook('wamid.answer-1', 'Thanks, I will be home', { timestamp: Math.floor(Date.now() / 1000) }), { display: SERVICE_DISPLAY, id: SERVICE_NUMBER_ID });
    expect((await h.webhook(answer)).status).toBe(200);
    await h.drain();
    expect(h.slack.topLevel(SERVICE_CHANNEL)).toHaveLength(1);
    expect(h.slack.threadReplies(SERVICE_CHANNEL, card!.ts).at(-1)!.text).toContain('Thanks, I will be home');
    const redrawn = h.slack.state.messages.find((m) => m.ts === card!.ts)!;
    expect(allText(redrawn)).toContain(`Service desk · ${formatInternational(SERVICE_DISPLAY)}`);
  });

  it('defaults to the route of the channel /whatsapp was typed in, and takes free text on a WhatsApp Web route', async () => {
    await start();
    await h.slackEvent(undefined, { form: slashCommand(h.slack, '', { channel: SERVICE_CHANNEL }) });
    expect(block(h, 'switchboard_start', 'route')?.element?.initial_option?.value).toBe('service');
    expect(optionValues(block(h, 'switchboard_start', 'template'))).toEqual(['service_visit|en_US']);

    await h.slackEvent(undefined, { form: slashCommand(h.slack, '', { channel: FIELD_CHANNEL }) });
    expect(block(h, 'switchboard_start', 'route')?.element?.initial_option?.value).toBe('field');
    // WhatsApp Web has no templates and no 24-hour window: a message box instead of the picker.
    expect(blocks(h, 'switchboard_start').map((b) => b.block_id)).toEqual(['route', 'phone', 'name', 'message']);
    const state = values({ route: picked('field'), phone: typed('+1 650 555 1234'), name: typed('Sheena'), message: typed('Hello Sheena, the field team here.') }, { route: 'switchboard_pick_route' });
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), state) });
    await h.drain();
    expect(sock.sent).toEqual([expect.objectContaining({ jid: `${WA_ID}@s.whatsapp.net`, content: { text: 'Hello Sheena, the field team here.' } })]);
    expect(h.graph.sent).toEqual([]);
    expect(h.slack.topLevel(FIELD_CHANNEL)).toHaveLength(1);
    expect(JSON.stringify(h.slack.topLevel(FIELD_CHANNEL)[0]!.blocks)).toContain('Field team');

    // A channel of no route: the first one.
    await h.slackEvent(undefined, { form: slashCommand(h.slack, '', { channel: 'C0ELSEWHERE' }) });
    expect(block(h, 'switchboard_start', 'route')?.element?.initial_option?.value).toBe('sales');
  });

  it('answers a route that is not (or no longer) in the routes file, or another number’s template, with an error in the modal, and sends nothing', async () => {
    await start();
    await h.slackEvent(undefined, { form: globalShortcut(h.slack, 'switchboard_start') });
    const res = await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startState('gone', REMINDER, ['Sheena', '10:00'])) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_action: 'errors', errors: { route: expect.stringContaining('no longer one of the routes') } });
    // A template of the first number's account, left picked when "Send from" changed: not the service number's to send.
    const other = await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startState('service', REMINDER, ['Sheena', '10:00'])) });
    expect(await other.json()).toEqual({ response_action: 'errors', errors: { template: expect.stringContaining('not one of the chosen number’s') } });
    await h.drain();
    expect(h.graph.sent).toEqual([]);
    expect(h.slack.topLevel(CHANNEL)).toEqual([]);
  });

  it('offers the conversation’s own number’s templates in its thread, and sends from that number', async () => {
    // The first number has no business account: the thread of another that has one still gets the button.
    await start(ROUTES.replace(`, business_account_id: "${SALES_WABA}"`, ''));
    const old = Math.floor((Date.now() - 25 * 60 * 60_000) / 1000);
    await h.webhook(toNumber(textWebhook('wamid.old', 'Hello', { timestamp: old }), { display: SERVICE_DISPLAY, id: SERVICE_NUMBER_ID }));
    await h.drain();
    const [card] = h.slack.topLevel(SERVICE_CHANNEL);
    const typedReply = h.slack.addUserMessage({ channel: SERVICE_CHANNEL, user: AGENT, text: 'Are you there?', thread_ts: card!.ts });
    await h.slackEvent(eventCallback(threadReply(SERVICE_CHANNEL, card!.ts, 'Are you there?', { ts: typedReply.ts })));
    await h.drain();
    const notice = h.slack.threadReplies(SERVICE_CHANNEL, card!.ts).at(-1)!;
    expect(JSON.stringify(notice.blocks)).toContain('switchboard_send_template');
    const click = buttonClick({ channel: SERVICE_CHANNEL, messageTs: notice.ts, threadTs: card!.ts, actionId: 'switchboard_send_template', value: WA_ID, triggerId: h.slack.issueTrigger() });
    expect((await h.slackEvent(undefined, { form: click })).status).toBe(200);
    expect(optionValues(block(h, 'switchboard_template', 'template'))).toEqual(['service_visit|en_US']);

    const state = values({ template: picked('service_visit|en_US'), var_1: typed('Sheena'), var_2: typed('15:00') }, { template: 'switchboard_pick_template', var_1: 'switchboard_template_var', var_2: 'switchboard_template_var' });
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_template'), state) });
    await h.drain();
    expect(h.graph.calls.filter((c) => c.op === 'send' && c.status === 200).map((c) => c.path)).toEqual([`/v23.0/${SERVICE_NUMBER_ID}/messages`]);
    expect(h.graph.sent).toEqual([expect.objectContaining({ to: WA_ID, type: 'template', template: expect.objectContaining({ name: 'service_visit' }) })]);
  });
});
