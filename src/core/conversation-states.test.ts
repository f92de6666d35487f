import { describe, expect, it } from 'vitest';
import { decide, initialState } from './conversation-states.js';

const ana = { userId: 'U0AGENT001', name: 'Ana Souza' };
const bruno = { userId: 'U0AGENT002', name: 'Bruno Lima' };

describe('card action decisions', () => {
  it('applies a press once: the same press again changes nothing', () => {
    const open = initialState('16505551234', 1);
    const claimed = decide(open, 'claim', ana, 2);
    expect(claimed).toMatchObject({ applied: true, next: { owner: { userId: ana.userId, name: 'Ana Souza' }, updatedAt: 2 } });
    expect(decide(claimed.next, 'claim', ana, 3)).toEqual({ applied: false, next: claimed.next });
    const resolved = decide(claimed.next, 'resolve', ana, 4);
    expect(resolved).toMatchObject({ applied: true, next: { status: 'resolved' } });
    expect(decide(resolved.next, 'resolve', bruno, 5).applied).toBe(false);
    expect(decide(resolved.next, 'waiting', ana, 5).applied).toBe(false);
    expect(decide(open, 'release', ana, 5).applied).toBe(false);
    expect(decide(open, 'reopen', ana, 5).applied).toBe(false);
  });

  it('lets another agent take a claimed conversation, and reopens a waiting one', () => {
    const claimed = decide(initialState('c', 1), 'claim', ana, 2).next;
    expect(decide(claimed, 'claim', bruno, 3)).toMatchObject({ applied: true, next: { owner: { userId: bruno.userId } } });
    const waiting = decide(claimed, 'waiting', ana, 3).next;
    expect(decide(waiting, 'reopen', ana, 4)).toMatchObject({ applied: true, next: { status: 'open' } });
  });
});
