import { describe, expect, it } from 'vitest';
import {
  isStatusUpgrade,
  mergeStatus,
  statusRank,
  type Content,
  type DeliveryStatus,
  type StatusUpdate,
} from './model.js';

const ALL: DeliveryStatus[] = ['sent', 'delivered', 'read', 'failed'];

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

function fold(sequence: DeliveryStatus[]): DeliveryStatus | undefined {
  return sequence.reduce<DeliveryStatus | undefined>((current, next) => mergeStatus(current, next), undefined);
}

describe('statusRank', () => {
  it('orders sent < delivered < failed < read', () => {
    expect(statusRank('sent')).toBeLessThan(statusRank('delivered'));
    expect(statusRank('delivered')).toBeLessThan(statusRank('failed'));
    expect(statusRank('failed')).toBeLessThan(statusRank('read'));
  });

  it('gives every status a distinct rank', () => {
    expect(new Set(ALL.map(statusRank)).size).toBe(ALL.length);
  });
});

describe('isStatusUpgrade / mergeStatus', () => {
  it('accepts any first status', () => {
    for (const s of ALL) expect(isStatusUpgrade(undefined, s)).toBe(true);
  });

  it('never downgrades delivery', () => {
    expect(mergeStatus('delivered', 'sent')).toBe('delivered');
    expect(mergeStatus('read', 'delivered')).toBe('read');
    expect(mergeStatus('read', 'failed')).toBe('read');
  });

  it('lets a failure override sent and delivered, but not read', () => {
    expect(mergeStatus('sent', 'failed')).toBe('failed');
    expect(mergeStatus('delivered', 'failed')).toBe('failed');
    expect(mergeStatus('failed', 'delivered')).toBe('failed');
    expect(mergeStatus('failed', 'sent')).toBe('failed');
  });

  it('lets a later read receipt prove delivery after a failure', () => {
    expect(mergeStatus('failed', 'read')).toBe('read');
  });

  it('treats a repeated status as a no-op', () => {
    for (const s of ALL) expect(isStatusUpgrade(s, s)).toBe(false);
  });

  it('ends in the same state whatever order the webhooks arrive in', () => {
    const cases: [DeliveryStatus[], DeliveryStatus][] = [
      [['sent', 'delivered', 'read'], 'read'],
      [['sent', 'delivered'], 'delivered'],
      [['sent', 'delivered', 'failed'], 'failed'],
      [['sent', 'failed', 'read'], 'read'],
    ];
    for (const [set, expected] of cases) {
      for (const order of permutations(set)) expect(fold(order)).toBe(expected);
    }
  });
});

describe('model shapes', () => {
  it('carries Meta status errors', () => {
    const update: StatusUpdate = {
      messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
      status: 'failed',
      timestamp: 1751142888000,
      recipient: '16505551234',
      errors: [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' }],
    };
    // status-failed.json after a "delivered" that arrived first: the failure must still show.
    expect(mergeStatus('delivered', update.status)).toBe('failed');
    expect(update.errors?.[0]?.code).toBe(131049);
  });

  it('is a discriminated union an exhaustive switch can rely on', () => {
    const kinds = (c: Content): string => {
      switch (c.kind) {
        case 'text':
          return c.body;
        case 'media':
          return c.mediaKind;
        case 'location':
          return String(c.latitude);
        case 'contacts':
          return String(c.contacts.length);
        case 'interactive':
          return c.title;
        case 'reaction':
          return c.emoji;
        case 'unsupported':
          return c.reason ?? '';
        case 'system':
          return c.description;
        case 'order':
          return String(c.items.length);
        case 'flow_reply':
          return String(c.fields.length);
        case 'call_permission':
          return String(c.granted);
        case 'edit':
        case 'revoke':
          return c.targetId;
        case 'welcome_request':
          return c.kind;
        case 'preference':
          return c.value;
        default: {
          const never: never = c;
          return never;
        }
      }
    };
    expect(kinds({ kind: 'reaction', targetId: 'wamid.x', emoji: '' })).toBe('');
    expect(kinds({ kind: 'media', mediaKind: 'voice', mediaId: '1', mimeType: 'audio/ogg; codecs=opus' })).toBe('voice');
  });
});
