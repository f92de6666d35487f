/**
 * Interactions that open or change a view, or record what a modal asked for. A modal must be opened
 * within 3 seconds of its trigger, so this runs in the request (not in the queue); what is to be
 * sent is queued by submissions.ts.
 */
import { escapeMrkdwn } from '../../core/format/whatsapp-to-mrkdwn.js';
import { serviceWindowClosed } from '../../core/relay/outbound.js';
import type { ResolveJob } from '../../core/relay/resolve-with-message.js';
import type { SavedReplyJob } from '../../core/start/send-saved-reply.js';
import { chatLane } from '../../intake.js';
import { createCtx, parseMetadata, type Asker, type InteractionAnswer, type InteractionDeps, type StartRoute } from './context.js';
import { JOB_RESOLVE, JOB_SAVED_REPLY } from './jobs.js';
import { inputValue, SAVED_REPLY_SHORTCUT, START_SHORTCUT, type Interaction } from './payloads.js';
import { handleSubmission, namedRoute } from './submissions.js';
import {
  ADD_REPLY,
  CB_HOME,
  CB_REPLIES,
  CB_START,
  CB_TEMPLATE,
  homeView,
  infoView,
  PICK_ROUTE,
  PICK_TEMPLATE,
  repliesView,
  resolveView,
  REPLY_MENU,
  savedReplyPicker,
  startView,
  TEMPLATE_VAR,
  templateKey,
  templateView,
  type TemplatePlace,
} from './views.js';

export interface Interactions {
  handle(interaction: Interaction): Promise<InteractionAnswer>;
  /** app_home_opened: the Home tab lists the saved replies. */
  homeOpened(user: string): Promise<void>;
}

const ephemeral = (text: string): InteractionAnswer => ({ response_type: 'ephemeral', text });

export function createInteractions(deps: InteractionDeps): Interactions {
  const ctx = createCtx(deps);
  const log = deps.logger.child({ component: 'slack-interactions' });

  /** The number a start sends from unless the agent picks another: the route of the channel `/whatsapp` was typed in, else the first. */
  async function startRoute(channel: string | undefined): Promise<StartRoute> {
    if (!channel || deps.routes.length < 2) return deps.routes[0]!;
    // Looked up together (names are resolved once, then cached): the trigger lives 3 s. A channel
    // that cannot be resolved just now is not this one.
    const ids = await Promise.all(deps.routes.map((route) => route.channel().catch(() => undefined)));
    return deps.routes[ids.indexOf(channel)] ?? deps.routes[0]!;
  }

  async function openStart(triggerId: string, who: Asker): Promise<void> {
    const channel = who.channel;
    const route = await startRoute(channel);
    const from = { route: route.name, routes: deps.routes };
    if (route.transport === 'web') {
      await ctx.open(triggerId, startView(ctx.s, { ...from, transport: 'web', choice: { templates: [], params: [] } }), who);
      return;
    }
    // Slack keeps what was typed in input blocks across views.update, so a late fill-in loses nothing.
    await ctx.openPicker(triggerId, route, undefined, (choice) => startView(ctx.s, { ...from, transport: 'cloud', choice }), who);
  }

  async function publishHome(user: string): Promise<void> {
    await ctx.publish(user, homeView(ctx.s, await deps.store.savedReplies()));
  }

  async function command(i: Extract<Interaction, { type: 'command' }>): Promise<InteractionAnswer> {
    const [verb = '', ...rest] = i.text.split(/\s+/).filter(Boolean);
    switch (verb.toLowerCase()) {
      case '':
      case 'start':
        await openStart(i.triggerId, i);
        return undefined;
      case 'replies':
        await ctx.open(i.triggerId, repliesView(ctx.s, await deps.store.savedReplies()), i);
        return undefined;
      case 'reply': {
        const name = rest.join(' ');
        const contact = i.threadTs ? await threadContact(i.channel, i.threadTs) : undefined;
        if (!contact) return ephemeral(ctx.s.replyInThread);
        if (!(await deps.store.savedReply(name))) return ephemeral(ctx.s.unknownReply({ name: escapeMrkdwn(name) }));
        const job: SavedReplyJob = { chatId: contact.chatId, channel: i.channel, threadTs: contact.cardTs, name, user: i.user, key: `trigger:${i.triggerId}` };
        await deps.enqueue({ kind: JOB_SAVED_REPLY, lane: chatLane(contact.chatId), payload: job, dedupeKey: `slack:trigger:${i.triggerId}` });
        return undefined;
      }
      default:
        return ephemeral(ctx.s.commandHelp);
    }
  }

  /**
   * The contact whose thread a message (or a button on it) is in, in any route's channel: a card is
   * found by its own channel and ts, so a thread that is not a card finds none.
   */
  async function threadContact(channel: string, threadTs: string) {
    const contact = await deps.contacts.findByCard(channel, threadTs);
    return contact?.cardTs ? { ...contact, cardTs: contact.cardTs } : undefined;
  }

  async function viewAction(i: Extract<Interaction, { type: 'view_action' }>): Promise<void> {
    const redraws = i.actionId === PICK_TEMPLATE || i.actionId === TEMPLATE_VAR || (i.actionId === PICK_ROUTE && i.callbackId === CB_START);
    if (redraws && (i.callbackId === CB_START || i.callbackId === CB_TEMPLATE)) {
      // The variables and the preview follow the template and what was typed: the view is drawn again around them.
      const params = Object.keys(i.values)
        .filter((b) => /^var_\d+$/.test(b))
        .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
        .map((b) => inputValue(i.values, b, TEMPLATE_VAR) ?? '');
      const selected = i.actionId === PICK_TEMPLATE ? i.value : inputValue(i.values, 'template', PICK_TEMPLATE);
      if (i.callbackId === CB_TEMPLATE) {
        const place = parseMetadata<TemplatePlace>(i.metadata) as TemplatePlace;
        return ctx.update(i.viewId, i.hash, templateView(ctx.s, place, await ctx.choice(await ctx.routeOf(place.chatId), selected, params)));
      }
      // Another number may have other templates, or take free text (WhatsApp Web): the form follows it.
      const route = ctx.route(i.actionId === PICK_ROUTE ? i.value : namedRoute(i.values, i.metadata));
      const choice = route.transport === 'web' ? { templates: [], params: [] } : await ctx.choice(route, selected, params);
      const view = startView(ctx.s, { transport: route.transport, route: route.name, routes: deps.routes, phone: inputValue(i.values, 'phone'), name: inputValue(i.values, 'name'), choice });
      return ctx.update(i.viewId, i.hash, view);
    }
    if (i.actionId === ADD_REPLY && i.triggerId) {
      await ctx.open(i.triggerId, repliesView(ctx.s, await deps.store.savedReplies()));
      return;
    }
    if (i.actionId !== REPLY_MENU) return;
    const [op, ...nameParts] = i.value.split(':');
    const name = nameParts.join(':');
    if (op === 'delete') await deps.store.deleteReply(name);
    const replies = await deps.store.savedReplies();
    const editing = op === 'edit' ? replies.find((r) => r.name === name) : undefined;
    if (i.callbackId === CB_REPLIES) return ctx.update(i.viewId, i.hash, repliesView(ctx.s, replies, editing));
    if (i.callbackId === CB_HOME) {
      if (editing && i.triggerId) await ctx.open(i.triggerId, repliesView(ctx.s, replies, editing));
      else await publishHome(i.user);
    }
  }

  async function dispatch(i: Interaction): Promise<InteractionAnswer> {
    switch (i.type) {
      case 'command':
        return command(i);
      case 'shortcut':
        if (i.callbackId === START_SHORTCUT) await openStart(i.triggerId, i);
        return undefined;
      case 'message_action': {
        if (i.callbackId !== SAVED_REPLY_SHORTCUT) return undefined;
        const contact = await threadContact(i.channel, i.threadTs ?? i.messageTs);
        if (!contact) {
          await ctx.open(i.triggerId, infoView(ctx.s, ctx.s.savedReplyTitle, ctx.s.notAContactThread), i);
          return undefined;
        }
        await ctx.open(i.triggerId, savedReplyPicker(ctx.s, { chatId: contact.chatId, channel: i.channel, threadTs: contact.cardTs }, await deps.store.savedReplies()), i);
        return undefined;
      }
      case 'template_button': {
        const contact = i.threadTs ? await threadContact(i.channel, i.threadTs) : undefined;
        if (!contact) return undefined;
        const d = deps.defaultTemplate;
        const place: TemplatePlace = { chatId: contact.chatId, channel: i.channel, threadTs: contact.cardTs, noticeTs: i.messageTs };
        // The conversation's own number's templates (its route's account), not the first route's.
        await ctx.openPicker(i.triggerId, await ctx.routeOf(contact.chatId), d ? templateKey(d) : undefined, (choice) => templateView(ctx.s, place, choice), i);
        return undefined;
      }
      case 'resolve_button': {
        // The card is the thread's top-level message: its ts is the button's message.
        const contact = await threadContact(i.channel, i.messageTs);
        if (!contact) return undefined;
        if (await deps.isResolved?.(contact.chatId)) {
          // A stale card (pressed before the last change): the press changes nothing and the card is
          // brought up to date, as for any other button; the trigger names the press across Slack's retries.
          const job: ResolveJob = { chatId: contact.chatId, channel: i.channel, threadTs: contact.cardTs, user: i.user, key: `press:${i.triggerId}` };
          await deps.enqueue({ kind: JOB_RESOLVE, lane: chatLane(contact.chatId), payload: job, dedupeKey: `slack:resolve-press:${i.triggerId}` });
          return undefined;
        }
        // The conversation's own transport (its route's), not the first route's.
        const closed = contact.transport === 'cloud' && serviceWindowClosed(contact, Date.now());
        const opened = await ctx.open(i.triggerId, resolveView(ctx.s, { chatId: contact.chatId, channel: i.channel, threadTs: contact.cardTs }, closed), i);
        if (!opened) log.warn('the Resolve modal did not open: the conversation stays as it is until Resolve is pressed again');
        return undefined;
      }
      case 'view_action':
        await viewAction(i);
        return undefined;
      case 'view_submission': {
        const answer = await handleSubmission(ctx, i);
        if (i.callbackId === CB_REPLIES && answer === undefined) publishHome(i.user).catch((err: unknown) => log.warn({ err }, 'could not refresh the Home tab'));
        return answer;
      }
    }
  }

  return { handle: dispatch, homeOpened: publishHome };
}
