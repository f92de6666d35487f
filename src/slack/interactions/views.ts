/**
 * The modals and the App Home of starting conversations, templates and saved replies, as Block Kit
 * views (docs.slack.dev/reference/views, /reference/block-kit/blocks/input-block; titles ≤ 24
 * characters, ≤ 100 blocks). Pure: what to show comes in, a view object goes out.
 */
import type { StartMessages } from '../../core/format/i18n.js';
import { escapeMrkdwn } from '../../core/format/whatsapp-to-mrkdwn.js';
import type { SlackBlock } from '../../core/ports.js';
import type { MessageTemplate, SavedReply } from '../../core/start/ports.js';
import { fillTemplate } from '../../core/start/texts.js';

export const CB_START = 'switchboard_start';
export const CB_TEMPLATE = 'switchboard_template';
export const CB_SAVED_REPLY = 'switchboard_saved_reply';
export const CB_REPLIES = 'switchboard_replies';
export const CB_HOME = 'switchboard_home';
/** The card's Resolve asks for an optional closing message (not the button's action id: that is the card's). */
export const CB_RESOLVE = 'switchboard_resolve_modal';
export const PICK_TEMPLATE = 'switchboard_pick_template';
/** "Send from": the route a started conversation goes out from (shown with several routes). */
export const PICK_ROUTE = 'switchboard_pick_route';
/** The variables' inputs: Enter in one redraws the preview with what was typed. */
export const TEMPLATE_VAR = 'switchboard_template_var';
export const REPLY_MENU = 'switchboard_reply_menu';
export const ADD_REPLY = 'switchboard_reply_add';

const LIST_MAX = 40;
const OPTIONS_MAX = 100;

export type View = Record<string, unknown>;
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const cut = (s: string, max: number) => ([...s].length <= max ? s : `${[...s].slice(0, max - 1).join('')}…`);

export const templateKey = (t: Pick<MessageTemplate, 'name' | 'language'>) => `${t.name}|${t.language}`;

function modal(callbackId: string, title: string, blocks: SlackBlock[], metadata: unknown, submit?: string, close = 'Cancel'): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(cut(title, 24)),
    ...(submit ? { submit: plain(cut(submit, 24)) } : {}),
    close: plain(cut(close, 24)),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

function textInput(block: string, label: string, opts: { initial?: string; hint?: string; optional?: boolean; multiline?: boolean; max?: number } = {}): SlackBlock {
  return {
    type: 'input',
    block_id: block,
    optional: opts.optional ?? false,
    label: plain(label),
    ...(opts.hint ? { hint: plain(opts.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: block,
      multiline: opts.multiline ?? false,
      ...(opts.max ? { max_length: opts.max } : {}),
      ...(opts.initial ? { initial_value: opts.initial } : {}),
    },
  };
}

export interface TemplateChoice {
  /** Undefined: the templates could not be listed (the reason is `problem`). */
  templates: MessageTemplate[];
  selected?: MessageTemplate;
  params: string[];
  /** A line shown above the picker (no account id, listing failed…). */
  problem?: string;
}

/** The template picker: a select that redraws the view when changed, one input per variable, a preview. */
function templateBlocks(m: StartMessages, choice: TemplateChoice): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  if (choice.problem) blocks.push({ type: 'context', block_id: 'problem', elements: [mrkdwn(choice.problem)] });
  if (choice.templates.length === 0) return blocks;
  const option = (t: MessageTemplate) => ({ text: plain(cut(`${t.name} (${t.language})`, 75)), value: templateKey(t) });
  blocks.push({
    type: 'input',
    block_id: 'template',
    dispatch_action: true,
    label: plain(m.templateLabel),
    element: {
      type: 'static_select',
      action_id: PICK_TEMPLATE,
      options: choice.templates.slice(0, OPTIONS_MAX).map(option),
      ...(choice.selected ? { initial_option: option(choice.selected) } : {}),
    },
  });
  const t = choice.selected;
  if (!t) return blocks;
  for (let n = 1; n <= t.variables; n++) {
    // Same block and action ids across updates: Slack keeps what was typed in them.
    const input = textInput(`var_${n}`, m.variableLabel({ n }), { initial: choice.params[n - 1], max: 1024 });
    blocks.push({ ...input, dispatch_action: true, element: { ...(input.element as object), action_id: TEMPLATE_VAR } });
  }
  if (t.body) {
    const preview = fillTemplate(t.body, choice.params);
    blocks.push({ type: 'section', block_id: 'preview', text: mrkdwn(`*${m.preview}*\n${cut(escapeMrkdwn(preview), 2900).replace(/^/gm, '> ')}`) });
  }
  return blocks;
}

export interface StartViewInput {
  /** The transport of the route it sends from. */
  transport: 'cloud' | 'web';
  /** The route it sends from (kept in the view's metadata). */
  route?: string;
  /** Every route: with more than one, "Send from" offers them, `route` chosen. */
  routes?: ReadonlyArray<{ name: string; label?: string }>;
  phone?: string;
  name?: string;
  choice: TemplateChoice;
}

/** "Send from": redraws the view when changed (another number may have other templates, or take free text). */
function routeSelect(m: StartMessages, routes: ReadonlyArray<{ name: string; label?: string }>, chosen: string | undefined): SlackBlock {
  const option = (r: { name: string; label?: string }) => ({ text: plain(cut(r.label ?? r.name, 75)), value: r.name });
  const selected = routes.find((r) => r.name === chosen) ?? routes[0]!;
  return {
    type: 'input',
    block_id: 'route',
    dispatch_action: true,
    label: plain(m.sendFromLabel),
    hint: plain(m.sendFromHint),
    element: { type: 'static_select', action_id: PICK_ROUTE, options: routes.slice(0, OPTIONS_MAX).map(option), initial_option: option(selected) },
  };
}

export function startView(m: StartMessages, input: StartViewInput): View {
  const several = input.routes && input.routes.length > 1 ? input.routes : undefined;
  const blocks: SlackBlock[] = [
    ...(several ? [routeSelect(m, several, input.route)] : []),
    textInput('phone', m.phoneLabel, { initial: input.phone, hint: m.phoneHint, max: 40 }),
    textInput('name', m.nameLabel, { initial: input.name, optional: true, max: 100 }),
  ];
  if (input.transport === 'web') blocks.push(textInput('message', m.messageLabel, { multiline: true, max: 4096 }));
  else blocks.push(...templateBlocks(m, input.choice));
  // Input blocks need a submit button (Slack refuses the view otherwise), templates or not.
  return modal(CB_START, m.startTitle, blocks, { k: 'start', ...(input.route ? { route: input.route } : {}) }, m.send, m.cancel);
}

export interface TemplatePlace {
  chatId: string;
  channel: string;
  threadTs: string;
  /** The notice with the "Send template" button, replaced once the template went out. */
  noticeTs?: string;
}

export function templateView(m: StartMessages, place: TemplatePlace, choice: TemplateChoice): View {
  return modal(CB_TEMPLATE, m.templateTitle, templateBlocks(m, choice), { k: 'template', ...place }, choice.templates.length > 0 ? m.send : undefined, m.cancel);
}

/** Where a Resolve modal's submission applies: the contact's card and thread. */
export interface ResolvePlace {
  chatId: string;
  channel: string;
  threadTs: string;
}

/**
 * Resolve with an optional closing message. With the 24-hour window closed (Cloud API) no free text
 * can go out: the modal says so and resolves without one.
 */
export function resolveView(m: StartMessages, place: ResolvePlace, windowClosed: boolean): View {
  const blocks: SlackBlock[] = windowClosed
    ? [{ type: 'section', block_id: 'window-closed', text: mrkdwn(m.closingWindowClosed) }]
    : [textInput('closing', m.closingLabel, { optional: true, multiline: true, hint: m.closingHint, max: 3000 })];
  return modal(CB_RESOLVE, m.resolveTitle, blocks, { k: 'resolve', ...place }, m.resolveSubmit, m.cancel);
}

export function infoView(m: StartMessages, title: string, text: string): View {
  return modal('switchboard_info', title, [{ type: 'section', text: mrkdwn(text) }], {}, undefined, 'OK');
}

export function savedReplyPicker(m: StartMessages, place: Omit<TemplatePlace, 'noticeTs'>, replies: SavedReply[]): View {
  if (replies.length === 0) return infoView(m, m.savedReplyTitle, m.noSavedReplies);
  const blocks: SlackBlock[] = [
    {
      type: 'input',
      block_id: 'reply',
      label: plain(m.savedReplyLabel),
      element: { type: 'static_select', action_id: 'reply', options: replies.slice(0, OPTIONS_MAX).map((r) => ({ text: plain(cut(r.name, 75)), value: r.name })) },
    },
    { type: 'context', elements: [mrkdwn(m.replyTextHint)] },
  ];
  return modal(CB_SAVED_REPLY, m.savedReplyTitle, blocks, { k: 'reply', ...place }, m.send, m.cancel);
}

function replyList(m: StartMessages, replies: SavedReply[]): SlackBlock[] {
  return replies.slice(0, LIST_MAX).map((r) => ({
    type: 'section',
    text: mrkdwn(cut(`*${escapeMrkdwn(r.name)}*\n${escapeMrkdwn(r.text)}${r.fileUrl ? `\n${escapeMrkdwn(r.fileUrl)}` : ''}${r.file ? `\n:paperclip: ${escapeMrkdwn(r.file.name)}` : ''}`, 2900)),
    accessory: {
      type: 'overflow',
      action_id: REPLY_MENU,
      options: [
        { text: plain(m.editReply), value: `edit:${r.name}` },
        { text: plain(m.deleteReply), value: `delete:${r.name}` },
      ],
    },
  }));
}

/** The manager (from /whatsapp replies or the Home tab): the list, and a form that adds or replaces one. */
export function repliesView(m: StartMessages, replies: SavedReply[], editing?: SavedReply): View {
  const blocks: SlackBlock[] = [
    ...replyList(m, replies),
    ...(replies.length > 0 ? [{ type: 'divider' }] : []),
    { type: 'header', text: plain(editing ? m.editReply : m.addReply) },
    textInput('reply_name', m.replyName, { initial: editing?.name, hint: m.replyNameHint, max: 40 }),
    textInput('reply_text', m.replyText, { initial: editing?.text, hint: m.replyTextHint, multiline: true, max: 3000 }),
    textInput('reply_file', m.replyFile, { initial: editing?.fileUrl, optional: true, max: 1000 }),
    // Slack cannot show a file already picked: the hint names the one the reply keeps unless another is picked.
    {
      type: 'input',
      block_id: 'reply_upload',
      optional: true,
      label: plain(m.replyUpload),
      hint: plain(cut(editing?.file ? m.replyKeepsFile({ name: editing.file.name }) : m.replyUploadHint, 150)),
      element: { type: 'file_input', action_id: 'reply_upload', max_files: 1 },
    },
  ];
  return modal(CB_REPLIES, m.savedRepliesTitle, blocks, { k: 'replies', ...(editing?.file ? { keepsFileOf: editing.name } : {}) }, m.save, m.cancel);
}

export function homeView(m: StartMessages, replies: SavedReply[]): View {
  return {
    type: 'home',
    callback_id: CB_HOME,
    blocks: [
      { type: 'header', text: plain(m.savedRepliesTitle) },
      { type: 'context', elements: [mrkdwn(m.homeIntro)] },
      { type: 'actions', elements: [{ type: 'button', action_id: ADD_REPLY, text: plain(m.addReply), style: 'primary', value: 'add' }] },
      ...(replies.length > 0 ? [{ type: 'divider' }, ...replyList(m, replies)] : [{ type: 'section', text: mrkdwn(m.noSavedReplies) }]),
    ],
  };
}
