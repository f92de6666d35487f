import { describe, expect, it } from 'vitest';
import { parseJiraEvent, plainText } from './webhook-events.js';

const issue = { id: '10001', key: 'SUP-7', fields: { status: { name: 'In progress', statusCategory: { key: 'indeterminate' } } } };
const author = { accountId: '5b10ac8d82e05b22cc7d4ef5', accountType: 'atlassian', displayName: 'Carla Dias' };

describe('Jira webhook events', () => {
  it('reads a comment: public only when jsdPublic says so, the editor of an edit, the body as text', () => {
    const created = parseJiraEvent({ timestamp: 1, webhookEvent: 'comment_created', issue, comment: { id: 10015, body: 'On our way', author, jsdPublic: true } });
    expect(created).toEqual({ ok: true, event: { kind: 'comment', key: 'SUP-7', event: 'created', comment: { id: '10015', body: 'On our way', isPublic: true, authorAccountId: author.accountId, authorType: 'atlassian', authorName: 'Carla Dias' } } });
    // No jsdPublic (a plain Jira project, an older payload): never sent to the contact.
    const unmarked = parseJiraEvent({ webhookEvent: 'comment_created', issue, comment: { id: '1', body: 'x', author } });
    expect(unmarked.ok && unmarked.event.kind === 'comment' && unmarked.event.comment.isPublic).toBe(false);
    const edited = parseJiraEvent({ webhookEvent: 'comment_updated', issue, comment: { id: '1', body: 'y', author, updateAuthor: { accountId: 'other', displayName: 'Bruno Lima' }, jsdPublic: true } });
    expect(edited.ok && edited.event.kind === 'comment' && [edited.event.event, edited.event.comment.authorName]).toEqual(['updated', 'Bruno Lima']);
  });

  it('reads status changes (with Jira’s time) and deletions, and refuses what is not an issue event', () => {
    expect(parseJiraEvent({ timestamp: 1700000000000, webhookEvent: 'jira:issue_updated', issue })).toEqual({ ok: true, event: { kind: 'status', key: 'SUP-7', status: 'In progress', done: false, at: 1700000000000 } });
    expect(parseJiraEvent({ webhookEvent: 'jira:issue_deleted', issue })).toEqual({ ok: true, event: { kind: 'deleted', key: 'SUP-7' } });
    expect(parseJiraEvent({ webhookEvent: 'jira:issue_updated', issue: { key: 'SUP-7' } })).toMatchObject({ ok: true, event: { kind: 'ignored' } });
    expect(parseJiraEvent({ webhookEvent: 'comment_created' })).toMatchObject({ ok: false, error: expect.stringContaining('issue') });
  });

  it('flattens an Atlassian Document Format body to lines of text', () => {
    const adf = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'Sheena', marks: [{ type: 'strong' }] }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'restart it' }] }] }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'line one' }, { type: 'hardBreak' }, { type: 'text', text: 'line two' }] },
      ],
    };
    expect(plainText(adf)).toBe('Hello Sheena\nrestart it\nline one\nline two');
    expect(plainText('wiki *markup* stays')).toBe('wiki *markup* stays');
    expect(plainText(undefined)).toBe('');
  });
});
