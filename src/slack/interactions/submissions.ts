/**
 * view_submission: a modal's answer. Validation errors go back into the modal
 * (`response_action: errors`, keyed by block id); what is to be sent is recorded in the queue,
 * deduplicated by the view's id, before Slack gets its answer (a repeat of the same submission
 * is dropped there, so it is sent once).
 */
import { toE164 } from '../../core/format/phone.js';
import type { ResolveJob } from '../../core/relay/resolve-with-message.js';
import type { SavedReplyJob } from '../../core/start/send-saved-reply.js';
import type { StartJob } from '../../core/start/send-started.js';
import { REPLY_NAME } from '../../core/start/texts.js';
import { chatLane } from '../../intake.js';
import { parseMetadata, type Ctx, type InteractionAnswer, type StartRoute } from './context.js';
import { JOB_RESOLVE, JOB_SAVED_REPLY, JOB_START } from './jobs.js';
import { inputFile, inputValue, type Interaction, type StateValues } from './payloads.js';
import { CB_REPLIES, CB_RESOLVE, CB_SAVED_REPLY, CB_START, CB_TEMPLATE, PICK_ROUTE, PICK_TEMPLATE, TEMPLATE_VAR, type ResolvePlace, type TemplatePlace } from './views.js';

type Submission = Extract<Interaction, { type: 'view_submission' }>;

const errors = (fields: Record<string, string>): InteractionAnswer => ({ response_action: 'errors', errors: fields });

/** The route a start modal names: its "Send from", else the one it was drawn for (absent in a view drawn before routes). */
export function namedRoute(values: StateValues, metadata: string): string | undefined {
  return inputValue(values, 'route', PICK_ROUTE) ?? parseMetadata<{ route?: string }>(metadata).route;
}

/** The chosen template (among the route's account's) with its variables, or the errors to show. */
async function chosenTemplate(ctx: Ctx, route: StartRoute, values: StateValues): Promise<{ template: NonNullable<StartJob['template']> } | { errors: Record<string, string> }> {
  const key = inputValue(values, 'template', PICK_TEMPLATE);
  const t = await ctx.templateFor(route, key);
  if (!t) {
    // A template of another number's account (picked before "Send from" changed) is not this number's to send.
    if (key && values.template && (await ctx.choice(route)).templates.length > 0) return { errors: { template: ctx.s.notThisNumbersTemplate } };
    // An error must name a block of the view: without templates there is no picker to name.
    return { errors: { [values.template ? 'template' : 'phone']: ctx.s.templatesUnavailable } };
  }
  const params = Array.from({ length: t.variables }, (_, i) => (inputValue(values, `var_${i + 1}`, TEMPLATE_VAR) ?? '').trim());
  const missing = params.findIndex((p) => p === '');
  if (missing >= 0) return { errors: { [`var_${missing + 1}`]: ctx.s.fillIn } };
  return { template: { name: t.name, language: t.language, params, body: t.body } };
}

async function queueStart(ctx: Ctx, i: Submission, lane: string, job: StartJob): Promise<InteractionAnswer> {
  const queued = await ctx.enqueue({ kind: JOB_START, lane, payload: job, dedupeKey: `slack:view:${i.viewId}` });
  ctx.logger.info({ viewId: i.viewId, queued, start: Boolean(job.start), route: job.route }, 'template or first message queued from a modal');
  return undefined;
}

export async function handleSubmission(ctx: Ctx, i: Submission): Promise<InteractionAnswer> {
  switch (i.callbackId) {
    case CB_START: {
      // The number it goes out from: a route the modal names must still be one (the routes file may have changed since it was drawn).
      const named = namedRoute(i.values, i.metadata);
      const route = named === undefined ? ctx.route(undefined) : ctx.knownRoute(named);
      if (!route) return errors({ [ctx.routes.length > 1 ? 'route' : 'phone']: ctx.s.unknownRoute });
      const e164 = toE164(inputValue(i.values, 'phone') ?? '', ctx.defaultCountry);
      if (!e164) return errors({ phone: ctx.s.invalidPhone });
      const name = inputValue(i.values, 'name')?.trim() || undefined;
      const phone = e164.slice(1);
      let send: Pick<StartJob, 'template' | 'text'>;
      if (route.transport === 'web') {
        const text = inputValue(i.values, 'message')?.trim();
        if (!text) return errors({ message: ctx.s.messageLabel });
        send = { text };
      } else {
        const chosen = await chosenTemplate(ctx, route, i.values);
        if ('errors' in chosen) return errors(chosen.errors);
        send = { template: chosen.template };
      }
      // The person's conversation on that number, found as the intake finds it: an existing card is reused.
      const chatId = await ctx.store.conversationFor(phone, route.name);
      return queueStart(ctx, i, chatLane(chatId), { chatId, route: route.name, user: i.user, viewId: i.viewId, start: { phone, ...(name ? { name } : {}) }, ...send });
    }
    case CB_TEMPLATE: {
      const place = parseMetadata<TemplatePlace>(i.metadata);
      if (!place.chatId) return undefined;
      // The conversation's own number sends, with its account's templates.
      const route = await ctx.routeOf(place.chatId);
      const chosen = await chosenTemplate(ctx, route, i.values);
      if ('errors' in chosen) return errors(chosen.errors);
      const job: StartJob = { chatId: place.chatId, route: route.name, user: i.user, viewId: i.viewId, template: chosen.template, ...(place.noticeTs ? { noticeTs: place.noticeTs } : {}) };
      return queueStart(ctx, i, chatLane(place.chatId), job);
    }
    case CB_SAVED_REPLY: {
      const place = parseMetadata<TemplatePlace>(i.metadata);
      const name = inputValue(i.values, 'reply');
      if (!place.chatId || !place.channel || !place.threadTs) return undefined;
      if (!name) return errors({ reply: ctx.s.noSavedReplies });
      const job: SavedReplyJob = { chatId: place.chatId, channel: place.channel, threadTs: place.threadTs, name, user: i.user, key: `view:${i.viewId}` };
      const queued = await ctx.enqueue({ kind: JOB_SAVED_REPLY, lane: chatLane(place.chatId), payload: job, dedupeKey: `slack:view:${i.viewId}` });
      ctx.logger.info({ viewId: i.viewId, queued }, 'saved reply queued');
      return undefined;
    }
    case CB_RESOLVE: {
      const place = parseMetadata<ResolvePlace>(i.metadata);
      if (!place.chatId || !place.channel || !place.threadTs) return undefined;
      const text = inputValue(i.values, 'closing')?.trim();
      // The press's key is the view's: Slack's retries and a second submission of it resolve (and send) once.
      const job: ResolveJob = { chatId: place.chatId, channel: place.channel, threadTs: place.threadTs, user: i.user, key: `view:${i.viewId}`, ...(text ? { text } : {}) };
      const queued = await ctx.enqueue({ kind: JOB_RESOLVE, lane: chatLane(place.chatId), payload: job, dedupeKey: `slack:view:${i.viewId}` });
      ctx.logger.info({ viewId: i.viewId, queued, closing: Boolean(text) }, 'resolve queued from its modal');
      return undefined;
    }
    case CB_REPLIES: {
      const name = inputValue(i.values, 'reply_name')?.trim() ?? '';
      const text = inputValue(i.values, 'reply_text')?.trim() ?? '';
      const fileUrl = inputValue(i.values, 'reply_file')?.trim() || undefined;
      const problems: Record<string, string> = {};
      if (!REPLY_NAME.test(name)) problems.reply_name = ctx.s.invalidReplyName;
      if (!text) problems.reply_text = ctx.s.replyTextHint;
      if (fileUrl && !/^https:\/\/\S+$/.test(fileUrl)) problems.reply_file = ctx.s.invalidFileUrl;
      if (Object.keys(problems).length > 0) return errors(problems);
      // The edit form cannot show the file a reply has: it keeps it unless another is picked.
      const keeps = parseMetadata<{ keepsFileOf?: string }>(i.metadata).keepsFileOf === name ? (await ctx.store.savedReply(name))?.file : undefined;
      const file = inputFile(i.values, 'reply_upload') ?? keeps;
      await ctx.store.saveReply({ name, text, ...(fileUrl ? { fileUrl } : {}), ...(file ? { file } : {}), updatedBy: i.user, updatedAt: Date.now() });
      ctx.logger.info('saved reply stored');
      return undefined;
    }
    default:
      return undefined;
  }
}
