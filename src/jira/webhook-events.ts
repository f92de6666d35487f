/**
 * Jira webhook bodies → what the bridge acts on. Shapes (developer.atlassian.com/cloud/jira/platform/webhooks/,
 * "Example callback for an issue-related event"; jira.js' webhook payload types):
 *   {timestamp, webhookEvent, issue_event_type_name?, user?, issue: {id, key, fields: {status: {name,
 *    statusCategory: {key}}}}, changelog?, comment?}
 * - `jira:issue_updated` (and issue rules of automation): the status in `issue.fields.status`.
 * - `jira:issue_deleted`: the issue as it was.
 * - `comment_created` / `comment_updated`: `comment {id, body, author {accountId, accountType, displayName},
 *   jsdPublic}`; `jsdPublic` (JSM) says whether the customer sees it. `body` is wiki-markup text in the
 *   v2-shaped payloads Jira sends, or an Atlassian Document Format object: both are read as plain text.
 */
import { z } from 'zod';
import type { JiraComment } from '../core/relay/jira-comments.js';

export type JiraEvent =
  | { kind: 'status'; key: string; status: string; done: boolean; at?: number }
  | { kind: 'deleted'; key: string; at?: number }
  | { kind: 'comment'; key: string; event: 'created' | 'updated'; comment: JiraComment }
  | { kind: 'ignored'; key: string; why: string };

const author = z.looseObject({ accountId: z.string().optional(), accountType: z.string().optional(), displayName: z.string().optional() }).optional();

const body = z.looseObject({
  timestamp: z.number().optional(),
  webhookEvent: z.string().optional(),
  issue: z.looseObject({
    key: z.string().min(1),
    fields: z
      .looseObject({
        status: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).optional() }).optional(),
      })
      .optional(),
  }),
  comment: z
    .looseObject({
      id: z.union([z.string(), z.number()]),
      body: z.unknown().optional(),
      jsdPublic: z.boolean().optional(),
      author,
      updateAuthor: author,
    })
    .optional(),
});

/** Parses a webhook body; the error names the first wrong field (the route answers it with a 400). */
export function parseJiraEvent(raw: unknown): { ok: true; event: JiraEvent } | { ok: false; error: string } {
  const parsed = body.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `not a Jira issue event: ${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const { issue, comment, webhookEvent, timestamp } = parsed.data;
  const key = issue.key;
  const at = timestamp !== undefined ? { at: timestamp } : {};
  if (webhookEvent === 'jira:issue_deleted') return { ok: true, event: { kind: 'deleted', key, ...at } };
  if (webhookEvent === 'comment_created' || webhookEvent === 'comment_updated') {
    if (!comment) return { ok: true, event: { kind: 'ignored', key, why: 'comment event without a comment' } };
    // The one who wrote this version: the editor of an edit.
    const who = (webhookEvent === 'comment_updated' ? comment.updateAuthor : undefined) ?? comment.author;
    return {
      ok: true,
      event: {
        kind: 'comment',
        key,
        event: webhookEvent === 'comment_created' ? 'created' : 'updated',
        comment: {
          id: String(comment.id),
          body: plainText(comment.body),
          isPublic: comment.jsdPublic === true,
          ...(who?.accountId ? { authorAccountId: who.accountId } : {}),
          ...(who?.accountType ? { authorType: who.accountType } : {}),
          authorName: who?.displayName?.trim() || 'Jira',
        },
      },
    };
  }
  const status = issue.fields?.status;
  if (!status) return { ok: true, event: { kind: 'ignored', key, why: 'no status in the event' } };
  return { ok: true, event: { kind: 'status', key, status: status.name, done: status.statusCategory?.key === 'done', ...at } };
}

interface AdfNode { type?: string; text?: string; content?: AdfNode[] }

/** Wiki-markup text as it is; an ADF document as its text, one line per paragraph-like block. */
export function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return '';
  const lines: string[] = [];
  const walk = (node: AdfNode, line: string[]): void => {
    if (node.type === 'text' && typeof node.text === 'string') line.push(node.text);
    else if (node.type === 'hardBreak') line.push('\n');
    for (const child of node.content ?? []) {
      if (['paragraph', 'heading', 'listItem', 'codeBlock', 'blockquote'].includes(child.type ?? '')) {
        const inner: string[] = [];
        walk(child, inner);
        lines.push(inner.join(''));
      } else {
        walk(child, line);
      }
    }
  };
  const top: string[] = [];
  walk(value as AdfNode, top);
  if (top.length) lines.unshift(top.join(''));
  return lines.filter((l) => l !== '').join('\n');
}
