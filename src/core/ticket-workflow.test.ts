import { describe, expect, it } from 'vitest';
import { alreadyThere, pickTransition, statusOfRequest, type TicketTransition } from './ticket-workflow.js';

const names = { waiting: ['Waiting for customer', 'Pending'], resolve: ['Resolve', 'Done'], reopen: ['Reopen'] };
const t = (id: string, name: string, to: string, category: string): TicketTransition => ({ id, name, to: { name: to, category } });

describe('picking a Jira transition', () => {
  const workflow = [t('11', 'Start work', 'In progress', 'indeterminate'), t('21', 'Respond to customer', 'Waiting for customer', 'indeterminate'), t('31', 'Close it', 'Closed', 'done')];

  it('takes a configured name of the transition or of its target status, in the configured order', () => {
    expect(pickTransition(workflow, 'waiting', names)?.id).toBe('21');
    expect(pickTransition([t('5', 'pending', 'Paused', 'indeterminate'), ...workflow], 'waiting', names)?.id).toBe('21');
    expect(pickTransition(workflow, 'waiting', { ...names, waiting: ['start WORK'] })?.id).toBe('11');
  });

  it('falls back to the status category for resolve and reopen, never for waiting', () => {
    expect(pickTransition(workflow, 'resolve', names)?.id).toBe('31');
    expect(pickTransition([t('41', 'Back', 'Waiting for support', 'new'), t('42', 'Work again', 'In progress', 'indeterminate')], 'reopen', names)?.id).toBe('42');
    expect(pickTransition([t('11', 'Start work', 'In progress', 'indeterminate')], 'waiting', names)).toBeUndefined();
    expect(pickTransition([], 'resolve', names)).toBeUndefined();
  });

  it('reads the conversation’s status off the request, and whether an action is already applied', () => {
    expect(statusOfRequest({ status: 'Resolved', done: true }, names.waiting)).toBe('resolved');
    expect(statusOfRequest({ status: 'waiting for customer', done: false }, names.waiting)).toBe('waiting');
    expect(statusOfRequest({ status: 'In progress', done: false }, names.waiting)).toBe('open');
    expect(alreadyThere({ status: 'Resolved', done: true }, 'resolve', names.waiting)).toBe(true);
    expect(alreadyThere({ status: 'Resolved', done: true }, 'reopen', names.waiting)).toBe(false);
    expect(alreadyThere({ status: 'In progress', done: false }, 'reopen', names.waiting)).toBe(true);
  });
});
