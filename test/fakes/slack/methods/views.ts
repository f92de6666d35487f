/**
 * views.open, views.update, views.publish: modals and the App Home.
 *
 * What Slack enforces (docs.slack.dev/reference/methods/views.open, views.update, views.publish;
 * /reference/views/modal-views, /surfaces/modals; /reference/interaction-payloads):
 * - `trigger_id` comes from an interaction, is valid for 3 seconds and only once:
 *   `expired_trigger_id` after that, `exchanged_trigger_id` on a second use, `invalid_trigger_id`
 *   for one Slack never issued;
 * - a modal has a plain_text `title` (≤ 24 chars), `submit` (needed when it holds an input block)
 *   and `close` (≤ 24 chars), ≤ 100 blocks, `callback_id` ≤ 255, `private_metadata` ≤ 3,000;
 *   an input block has a plain_text `label` (≤ 2,000) and an `element`;
 *   problems answer `invalid_arguments` with `[ERROR] … [json-pointer:/view/…]` lines;
 * - views.update takes `view_id` or `external_id`; a `hash` that is not the view's current one
 *   answers `hash_conflict`; an unknown view `not_found`;
 * - views.publish takes `user_id` and a view of type `home`.
 */
import { blockProblems } from '../blocks.js';
import type { FakeSlackState, FakeView } from '../types.js';
import { invalidArguments, jsonArg, SlackApiError, str } from '../wire.js';
import type { MethodContext, MethodSpec } from './context.js';

export const TRIGGER_TTL_MS = 3_000;
const VIEW_BLOCKS = 100;
const TITLE_MAX = 24;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An interaction's trigger id, as Slack hands one out with each click, shortcut or command. */
export function issueTrigger(state: FakeSlackState, at: number): string {
  state.seq += 1;
  const id = `${1_000_000 + state.seq}.${state.seq * 7919}.${Buffer.from(`trigger-${state.seq}`).toString('hex').padEnd(32, '0').slice(0, 32)}`;
  state.triggers.set(id, { issuedAt: at, used: false });
  return id;
}

function viewProblems(view: unknown, kind: 'modal' | 'home'): string[] {
  const problems: string[] = [];
  const add = (rule: string, path: string) => problems.push(`${rule} [json-pointer:/view${path}]`);
  if (!isObj(view)) return ['must be an object [json-pointer:/view]'];
  if (view.type !== kind) add(kind === 'home' ? 'must be home' : 'must be a valid enum value', '/type');
  const plain = (value: unknown, path: string, required: boolean) => {
    if (value === undefined) {
      if (required) add('missing required field: ' + path.slice(1), '');
      return;
    }
    if (!isObj(value) || value.type !== 'plain_text' || typeof value.text !== 'string' || value.text === '') add('must be a plain_text object with text', path);
    else if ([...value.text].length > TITLE_MAX) add(`must be less than ${TITLE_MAX + 1} characters`, `${path}/text`);
  };
  if (kind === 'modal') {
    plain(view.title, '/title', true);
    plain(view.submit, '/submit', false);
    plain(view.close, '/close', false);
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255) add('must be less than 256 characters', '/callback_id');
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== 'string' || view.private_metadata.length > 3000)) {
    add('must be a string of less than 3001 characters', '/private_metadata');
  }
  if (!Array.isArray(view.blocks)) {
    add('missing required field: blocks', '');
    return problems;
  }
  if (view.blocks.length > VIEW_BLOCKS) add(`no more than ${VIEW_BLOCKS} items allowed`, '/blocks');
  // The message rules hold for each block; a view's own block limit is 100, not 50.
  for (const p of blockProblems(view.blocks.slice(0, 50)).concat(view.blocks.length > 50 ? blockProblems(view.blocks.slice(50)).map((p) => p.replace(/\/blocks\/(\d+)/, (_, n: string) => `/blocks/${Number(n) + 50}`)) : [])) {
    problems.push(p.replace('[json-pointer:', '[json-pointer:/view'));
  }
  let inputs = 0;
  const ids = new Set<string>();
  view.blocks.forEach((b, i) => {
    if (!isObj(b)) return;
    if (typeof b.block_id === 'string') {
      if (ids.has(b.block_id)) add('block_id must be unique', `/blocks/${i}/block_id`);
      ids.add(b.block_id);
    }
    if (b.type !== 'input') return;
    inputs += 1;
    if (!isObj(b.label) || b.label.type !== 'plain_text' || typeof b.label.text !== 'string' || b.label.text === '') add('missing required field: label', `/blocks/${i}`);
    else if (b.label.text.length > 2000) add('must be less than 2001 characters', `/blocks/${i}/label/text`);
    if (!isObj(b.element) || typeof b.element.type !== 'string') add('missing required field: element', `/blocks/${i}`);
  });
  if (kind === 'modal' && inputs > 0 && view.submit === undefined) add('submit is required when a view has input blocks', '/submit');
  return problems;
}

function parseView(ctx: MethodContext, kind: 'modal' | 'home'): Obj {
  const view = jsonArg(ctx.params, 'view', 'invalid_arguments');
  if (view === undefined) throw invalidArguments('missing required field: view');
  const problems = viewProblems(view, kind);
  if (problems.length > 0) throw invalidArguments(...problems);
  return view as Obj;
}

function store(ctx: MethodContext, view: Obj, base: Partial<FakeView> & { id: string }): FakeView {
  const { state } = ctx;
  state.seq += 1;
  const stored: FakeView = {
    id: base.id,
    type: view.type as 'modal' | 'home',
    user: base.user,
    externalId: typeof view.external_id === 'string' ? view.external_id : base.externalId,
    hash: `${Math.floor(ctx.now / 1000)}.${state.seq.toString(36).padStart(8, '0')}`,
    view,
    openedAt: base.openedAt ?? ctx.now,
    updates: (base.updates ?? -1) + 1,
  };
  state.views.set(stored.id, stored);
  return stored;
}

/** The view object Slack answers with (and sends back in view_submission payloads). */
export function viewObject(state: FakeSlackState, v: FakeView): Obj {
  return {
    id: v.id,
    team_id: state.teamId,
    type: v.type,
    callback_id: '',
    private_metadata: '',
    external_id: v.externalId ?? '',
    ...v.view,
    state: { values: {} },
    hash: v.hash,
    root_view_id: v.id,
    previous_view_id: null,
    app_id: 'A123ABC456',
    bot_id: state.botId,
  };
}

function viewsOpen(ctx: MethodContext): Record<string, unknown> {
  const triggerId = str(ctx.params, 'trigger_id');
  if (!triggerId) throw invalidArguments('missing required field: trigger_id');
  const trigger = ctx.state.triggers.get(triggerId);
  if (!trigger) throw new SlackApiError('invalid_trigger_id');
  if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
  if (ctx.now - trigger.issuedAt > TRIGGER_TTL_MS) throw new SlackApiError('expired_trigger_id');
  const view = parseView(ctx, 'modal');
  trigger.used = true;
  ctx.state.seq += 1;
  const stored = store(ctx, view, { id: `V${String(ctx.state.seq).padStart(10, '0')}` });
  return { view: viewObject(ctx.state, stored) };
}

function viewsUpdate(ctx: MethodContext): Record<string, unknown> {
  const id = str(ctx.params, 'view_id');
  const external = str(ctx.params, 'external_id');
  if (!id && !external) throw invalidArguments('must provide view_id or external_id');
  const existing = id ? ctx.state.views.get(id) : [...ctx.state.views.values()].find((v) => v.externalId === external);
  if (!existing) throw new SlackApiError('not_found');
  const hash = str(ctx.params, 'hash');
  if (hash !== undefined && hash !== existing.hash) throw new SlackApiError('hash_conflict');
  const view = parseView(ctx, existing.type);
  return { view: viewObject(ctx.state, store(ctx, view, existing)) };
}

function viewsPublish(ctx: MethodContext): Record<string, unknown> {
  const user = str(ctx.params, 'user_id');
  if (!user) throw invalidArguments('missing required field: user_id');
  if (!ctx.state.users.has(user)) throw new SlackApiError('user_not_found');
  const existing = [...ctx.state.views.values()].find((v) => v.type === 'home' && v.user === user);
  const hash = str(ctx.params, 'hash');
  if (existing && hash !== undefined && hash !== existing.hash) throw new SlackApiError('hash_conflict');
  const view = parseView(ctx, 'home');
  ctx.state.seq += 1;
  const stored = store(ctx, view, existing ?? { id: `V${String(ctx.state.seq).padStart(10, '0')}`, user });
  return { view: viewObject(ctx.state, stored) };
}

// "No scopes required" on each method's page: a bot token is enough.
export const viewMethods: Record<string, MethodSpec> = {
  'views.open': { handler: viewsOpen, scopes: [] },
  'views.update': { handler: viewsUpdate, scopes: [] },
  'views.publish': { handler: viewsPublish, scopes: [] },
};
