import { isBridgeError, errorMessage } from './core/errors.js';
import { messages as catalogue, type Locale } from './core/format/i18n.js';
import { escapeMrkdwn } from './core/format/whatsapp-to-mrkdwn.js';
import type { ContactStore, MessageMap } from './core/ports.js';
import { relayInbound, type InboundDeps } from './core/relay/inbound.js';
import { JOB_INBOUND, JOB_STATUS, type InboundJob, type StatusJob } from './intake.js';
import type { JobContext, JobHandler } from './queue/worker.js';
import type { SlackChatSurface } from './slack/chat-surface.js';

export interface RelayHandlerDeps {
  slackChannel: string;
  locale: Locale;
  chat: SlackChatSurface;
  contacts: ContactStore;
  messages: MessageMap;
  inbound: Omit<InboundDeps, 'channel'>;
}

/** The job handlers: each takes a queued job's payload and runs one use case of the relay. */
export function createRelayHandlers(deps: RelayHandlerDeps): Record<string, JobHandler> {
  return {
    [JOB_INBOUND]: async (payload, ctx) => {
      const { item } = payload as InboundJob;
      try {
        const channel = await deps.chat.resolveChannel(deps.slackChannel);
        await relayInbound(item, { ...deps.inbound, channel, retrySince: ctx.job.attempts > 1 ? ctx.job.createdAt : undefined });
      } catch (err) {
        if (isFinal(err, ctx)) await explainInThread(item.message.chatId, err, deps, ctx);
        throw err;
      }
    },
    [JOB_STATUS]: async (payload, ctx) => {
      const { status } = payload as StatusJob;
      const result = await deps.messages.recordStatus(status);
      ctx.logger.debug({ status: result.status, changed: result.changed, known: Boolean(result.link) }, 'delivery status recorded');
    },
  };
}

function isFinal(err: unknown, ctx: JobContext): boolean {
  return !(isBridgeError(err) && err.retryable) || ctx.job.attempts >= ctx.job.maxAttempts;
}

/** Nothing is dropped silently: when a message is given up on, its thread says so. */
async function explainInThread(chatId: string, err: unknown, deps: RelayHandlerDeps, ctx: JobContext): Promise<void> {
  try {
    const contact = await deps.contacts.get(chatId);
    const channel = contact?.slackChannel ?? (await deps.chat.resolveChannel(deps.slackChannel));
    const reason = escapeMrkdwn(isBridgeError(err) ? err.code : errorMessage(err).slice(0, 200));
    await deps.chat.postMessage({
      channel,
      threadTs: contact?.cardTs,
      text: `:warning: ${catalogue(deps.locale).couldNotShow({ reason })}`,
    });
  } catch (noticeErr) {
    ctx.logger.error({ err: noticeErr }, 'could not post the failure notice either');
  }
}
