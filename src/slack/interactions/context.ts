/**
 * What the interaction handlers share: their dependencies, Slack's view methods, and the template
 * choice every picker starts from.
 */
import type { WebClient } from '@slack/web-api';
import type { CountryCode } from '../../core/format/phone.js';
import { startMessages, type Locale, type StartMessages } from '../../core/format/i18n.js';
import type { ContactStore } from '../../core/ports.js';
import type { AgentStartStore, MessageTemplate, TemplateCatalogue } from '../../core/start/ports.js';
import type { Logger } from '../../logger.js';
import type { NewJob } from '../../core/store/queue.js';
import { routeNamed } from '../../core/routes.js';
import { templateKey, type TemplateChoice, type View } from './views.js';

/** A number a conversation can be started from (a route): its transport, its channel and its account's templates. */
export interface StartRoute {
  name: string;
  /** What "Send from" shows for it (ROUTES_FILE's label); absent: its name. */
  label?: string;
  transport: 'cloud' | 'web';
  /** The route's channel id. */
  channel(): Promise<string>;
  /** The account's templates; absent without its business account id. */
  templates?: TemplateCatalogue;
}

export interface InteractionDeps {
  locale: Locale;
  /** Every route, in the routes file's order (at least one); with several, the start modal asks which number sends. */
  routes: readonly StartRoute[];
  /** The Slack Web API client (views.open, views.update, views.publish; chat.postEphemeral when a view is refused). */
  client: Pick<WebClient, 'views' | 'chat'>;
  contacts: ContactStore;
  store: AgentStartStore;
  /** WHATSAPP_TEMPLATE_NAME and its language: pre-selected in every picker. */
  defaultTemplate?: { name: string; language: string };
  /** Records a job durably; false when its dedupe key was seen (a repeat of the same submission). */
  enqueue(job: NewJob): Promise<boolean>;
  logger: Logger;
  /** Numbers typed without "+" are read as this country's (pt-BR: BR). */
  defaultCountry?: CountryCode;
  /** Whether the conversation is resolved already: a stale card's Resolve then redraws the card instead of asking for a closing message. */
  isResolved?(chatId: string): Promise<boolean>;
  /** How long the template listing may take before a modal opens without it (its trigger lives 3 s). */
  templateWaitMs?: number;
}

/** What the HTTP route sends back (or Socket Mode acknowledges with): nothing, or a body. */
export type InteractionAnswer = Record<string, unknown> | undefined;

/** Who pressed, and where: told in that channel (only they see it) when Slack refuses their modal. */
export interface Asker {
  user: string;
  channel?: string;
}

export interface Ctx extends InteractionDeps {
  s: StartMessages;
  /** The opened view's id and hash (undefined when Slack refused it; `who` is then told, when there is a channel to tell them in). */
  open(triggerId: string, view: View, who?: Asker): Promise<{ id: string; hash: string } | undefined>;
  /**
   * Opens a template picker in time for its trigger: with the templates when they come quickly (or
   * are cached), else at once with a "loading" line, filled in with views.update when they arrive.
   */
  openPicker(triggerId: string, route: StartRoute, selectedKey: string | undefined, build: (choice: TemplateChoice) => View, who?: Asker): Promise<void>;
  update(viewId: string, hash: string | undefined, view: View): Promise<void>;
  publish(user: string, view: View): Promise<void>;
  /** The route of that name; absent or unknown: the `default` route, else the first. */
  route(name: string | undefined): StartRoute;
  /** The route of exactly that name, if there is one (what a submission names is checked with it). */
  knownRoute(name: string): StartRoute | undefined;
  /** The route of a conversation (its contact's): its number's templates are the ones offered in its thread. */
  routeOf(chatId: string | undefined): Promise<StartRoute>;
  choice(route: StartRoute, selectedKey?: string, params?: string[]): Promise<TemplateChoice>;
  /** The template a submission names, among its route's account's templates, with its body and variable count. */
  templateFor(route: StartRoute, key: string | undefined): Promise<MessageTemplate | undefined>;
}

const DEFAULT_TEMPLATE_WAIT_MS = 1_500;

const LATE = Symbol('late');

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export function createCtx(deps: InteractionDeps): Ctx {
  const s = startMessages(deps.locale);
  const log = deps.logger;
  const wait = deps.templateWaitMs ?? DEFAULT_TEMPLATE_WAIT_MS;
  const fallback = (): MessageTemplate[] => (deps.defaultTemplate ? [{ ...deps.defaultTemplate, body: '', variables: 0 }] : []);

  type Listed = { templates: MessageTemplate[]; problem?: string };
  const unavailable = (err: unknown): Listed => {
    log.warn({ err }, 'could not list the WhatsApp templates for the picker');
    return { templates: [], problem: s.templatesUnavailable };
  };
  const listed = (templates: MessageTemplate[]): Listed => (templates.length > 0 ? { templates } : { templates, problem: s.noTemplates });

  /** The templates, or LATE when Graph takes longer than a modal can wait (the listing goes on and is cached). */
  async function list(route: StartRoute): Promise<Listed | typeof LATE> {
    if (!route.templates) return { templates: fallback(), problem: s.noBusinessAccount };
    try {
      const templates = await within(route.templates.list(), wait);
      return templates === LATE ? LATE : listed(templates);
    } catch (err) {
      return unavailable(err);
    }
  }

  function choose({ templates, problem }: Listed, selectedKey: string | undefined, params: string[]): TemplateChoice {
    const d = deps.defaultTemplate;
    const selected =
      templates.find((t) => templateKey(t) === selectedKey) ??
      (d ? (templates.find((t) => t.name === d.name && t.language === d.language) ?? templates.find((t) => t.name === d.name)) : undefined);
    return { templates, params, ...(selected ? { selected } : {}), ...(problem ? { problem } : {}) };
  }
  const settled = async (route: StartRoute) => {
    const got = await list(route);
    return got === LATE ? { templates: [], problem: s.templatesUnavailable } : got;
  };

  /**
   * Slack refusing a view (an expired trigger, a stale hash, a view it finds invalid) is logged and
   * the interaction acknowledged: a retry could not do better. Anything else (the network) throws.
   */
  async function viewCall(
    method: string,
    call: () => Promise<{ view?: { id?: string; hash?: string } }>,
    refused?: (error: string) => Promise<void>,
  ): Promise<{ id: string; hash: string } | undefined> {
    try {
      const { view } = await call();
      return view?.id ? { id: view.id, hash: view.hash ?? '' } : undefined;
    } catch (err) {
      const e = err as { code?: string; data?: { error?: string; response_metadata?: { messages?: string[] } } };
      if (e.code !== 'slack_webapi_platform_error') throw err;
      log.warn({ method, error: e.data?.error, problems: e.data?.response_metadata?.messages }, 'Slack refused a view');
      await refused?.(e.data?.error ?? 'error');
      return undefined;
    }
  }
  /** The one who pressed learns that nothing opened (and so nothing changed), in the channel they pressed in. */
  const tell = (who: Asker | undefined) => async (error: string) => {
    if (!who?.channel) return;
    try {
      await deps.client.chat.postEphemeral({ channel: who.channel, user: who.user, text: `:warning: ${s.viewNotOpened({ error })}` });
    } catch (err) {
      log.warn({ err }, 'could not tell the agent that the window did not open');
    }
  };
  const open: Ctx['open'] = (triggerId, view, who) =>
    viewCall('views.open', () => deps.client.views.open({ trigger_id: triggerId, view } as unknown as Args<'open'>), tell(who));
  const update: Ctx['update'] = async (viewId, hash, view) => {
    await viewCall('views.update', () => deps.client.views.update({ view_id: viewId, ...(hash ? { hash } : {}), view } as unknown as Args<'update'>));
  };
  type Args<M extends 'open' | 'update' | 'publish'> = Parameters<WebClient['views'][M]>[0];

  return {
    ...deps,
    s,
    open,
    update,
    async publish(user, view) {
      await viewCall('views.publish', () => deps.client.views.publish({ user_id: user, view } as unknown as Args<'publish'>));
    },
    route: (name) => routeNamed(deps.routes, name),
    knownRoute: (name) => deps.routes.find((r) => r.name === name),
    routeOf: async (chatId) => routeNamed(deps.routes, chatId ? (await deps.contacts.get(chatId))?.route : undefined),
    async choice(route, selectedKey, params = []) {
      return choose(await settled(route), selectedKey, params);
    },
    async openPicker(triggerId, route, selectedKey, build, who) {
      const got = await list(route);
      if (got !== LATE) {
        await open(triggerId, build(choose(got, selectedKey, [])), who);
        return;
      }
      const opened = await open(triggerId, build({ templates: [], params: [], problem: s.templatesLoading }), who);
      if (!opened || !route.templates) return;
      route.templates
        .list()
        .then(listed, unavailable)
        .then((later) => update(opened.id, opened.hash, build(choose(later, selectedKey, []))))
        .catch((err: unknown) => log.warn({ err }, 'could not fill the template picker in'));
    },
    async templateFor(route, key) {
      if (!key) return undefined;
      return (await settled(route)).templates.find((t) => templateKey(t) === key);
    },
  };
}

export function parseMetadata<T>(raw: string): Partial<T> {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null ? (v as Partial<T>) : {};
  } catch {
    return {};
  }
}
