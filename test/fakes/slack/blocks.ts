/**
 * Block Kit limits, as Slack enforces them on chat.postMessage / chat.update.
 *
 * Sources: https://docs.slack.dev/reference/block-kit/blocks (section, header, context, image,
 * markdown block pages) and the project's VENDOR-FACTS. Slack answers a violation with
 * `invalid_blocks`, a top-level `errors` list and the same lines in `response_metadata.messages`
 * prefixed with `[ERROR]`, each naming the offending node with a JSON pointer, e.g.
 *   "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
 *   "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
 *   "[ERROR] missing required field: alt_text [json-pointer:/blocks/1]"
 *   "[ERROR] unsupported type: sections [json-pointer:/blocks/0/type]"
 * (wording taken from responses recorded in public projects' tests).
 *
 * `msg_blocks_too_long` is undocumented: Slack refuses blocks whose text sums to roughly 13k
 * characters even when every single block is within its limit (slackapi/bolt-js#2509 measured
 * 13,297 for markdown-only messages, less once other blocks are added). The fake sums every
 * `text` string in the blocks and compares with a configurable bound.
 */
import { SlackApiError } from './wire.js';

export const LIMITS = {
  blocks: 50,
  blockId: 255,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  altText: 2000,
  imageUrl: 3000,
  imageTitle: 2000,
  markdownText: 12000,
  messageText: 40000,
} as const;

export const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set([
  'actions',
  'context',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'video',
]);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Returns the problems found, each `"<rule> [json-pointer:<path>]"`; empty when the blocks are valid. */
export function blockProblems(blocks: unknown[]): string[] {
  const problems: string[] = [];
  const add = (rule: string, path: string): void => {
    problems.push(`${rule} [json-pointer:${path}]`);
  };
  const tooLong = (value: unknown, max: number, path: string): void => {
    if (typeof value === 'string' && value.length > max) add(`must be less than ${max + 1} characters`, path);
  };
  const textObject = (value: unknown, path: string, max: number, plainOnly = false): void => {
    if (!isObj(value) || typeof value.text !== 'string') {
      add('missing required field: text', path);
      return;
    }
    if (value.type !== 'plain_text' && (plainOnly || value.type !== 'mrkdwn')) {
      add(`must be a valid enum value`, `${path}/type`);
    }
    if (value.text.length === 0) add('must be more than 0 characters', `${path}/text`);
    tooLong(value.text, max, `${path}/text`);
  };

  if (blocks.length > LIMITS.blocks) add(`no more than ${LIMITS.blocks} items allowed`, '/blocks');

  blocks.forEach((block, i) => {
    const at = `/blocks/${i}`;
    if (!isObj(block)) {
      add('must be an object', at);
      return;
    }
    if (typeof block.type !== 'string') {
      add('missing required field: type', at);
      return;
    }
    if (!KNOWN_BLOCK_TYPES.has(block.type)) {
      add(`unsupported type: ${block.type}`, `${at}/type`);
      return;
    }
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string') add('must be a string', `${at}/block_id`);
      else tooLong(block.block_id, LIMITS.blockId, `${at}/block_id`);
    }
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) {
          add('must define either `text` or `fields`', at);
          break;
        }
        if (block.text !== undefined) textObject(block.text, `${at}/text`, LIMITS.sectionText);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields)) {
            add('must be an array', `${at}/fields`);
            break;
          }
          if (block.fields.length > LIMITS.sectionFields) add(`no more than ${LIMITS.sectionFields} items allowed`, `${at}/fields`);
          block.fields.forEach((f, j) => textObject(f, `${at}/fields/${j}`, LIMITS.fieldText));
        }
        break;
      }
      case 'header':
        textObject(block.text, `${at}/text`, LIMITS.headerText, true);
        break;
      case 'context': {
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          add('missing required field: elements', at);
          break;
        }
        if (block.elements.length > LIMITS.contextElements) {
          add(`no more than ${LIMITS.contextElements} items allowed`, `${at}/elements`);
        }
        break;
      }
      case 'image': {
        if (block.image_url === undefined && block.slack_file === undefined) add('missing required field: image_url', at);
        tooLong(block.image_url, LIMITS.imageUrl, `${at}/image_url`);
        if (typeof block.alt_text !== 'string') add('missing required field: alt_text', at);
        else tooLong(block.alt_text, LIMITS.altText, `${at}/alt_text`);
        if (block.title !== undefined) textObject(block.title, `${at}/title`, LIMITS.imageTitle, true);
        break;
      }
      case 'markdown':
        if (typeof block.text !== 'string') add('missing required field: text', at);
        else tooLong(block.text, LIMITS.markdownText, `${at}/text`);
        break;
      default:
        break;
    }
  });
  return problems;
}

/** Sum of every `text` string anywhere in the blocks: what `msg_blocks_too_long` is measured on. */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + blocksTextLength(v), 0);
  if (!isObj(value)) return 0;
  let n = 0;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'text' && typeof v === 'string') n += v.length;
    else n += blocksTextLength(v);
  }
  return n;
}

/**
 * Validates a decoded `blocks` argument and returns it as an array, or throws Slack's error:
 * `invalid_blocks_format` when it is not an array, `invalid_blocks` with the broken rules,
 * `msg_blocks_too_long` past the summed-text bound.
 */
export function checkBlocks(value: unknown, maxTextChars: number): unknown[] {
  if (!Array.isArray(value)) throw new SlackApiError('invalid_blocks_format');
  const problems = blockProblems(value);
  if (problems.length > 0) {
    throw new SlackApiError('invalid_blocks', {
      errors: problems,
      response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
    });
  }
  if (blocksTextLength(value) > maxTextChars) throw new SlackApiError('msg_blocks_too_long');
  return value;
}
