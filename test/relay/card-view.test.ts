import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { ChatSurface, SlackBlock } from '../../src/core/ports.js';
import { showCard } from '../../src/core/relay/card-view.js';

// A number in the range Meta's documentation uses for examples; Slack ids and ts in Slack's documented shapes.
const contact = { chatId: '16505551234', transport: 'cloud' as const, waId: '16505551234', phone: '16505551234', isGroup: false, name: 'Sheena Nelson', slackChannel: 'C0123456789', cardTs: '1749416383.000100' };

describe('the contact card, redrawn', () => {
  it('keeps other features’ notes beside the owner, status and buttons', async () => {
    const store = createMemoryStore();
    await store.conversationStates.save({ chatId: contact.chatId, status: 'waiting', owner: { userId: 'U0AGENT001', name: 'Ana Souza' }, updatedAt: 1 });
    const edits: Array<{ ts: string; blocks?: SlackBlock[] }> = [];
    const chat = { updateMessage: async (m: { ts: string; blocks?: SlackBlock[] }) => void edits.push(m) } as unknown as ChatSurface;
    const note = 'Started from Slack by <@U0AGENT002>';
    await showCard(contact, undefined, { locale: 'en', chat, states: store.conversationStates, cardNotes: async () => [note] });
    const shown = JSON.stringify(edits[0]!.blocks);
    expect(edits[0]!.ts).toBe(contact.cardTs);
    expect(shown).toContain(note);
    expect(shown).toContain('Ana Souza');
    expect(shown).toContain('switchboard_reopen');
    // Without notes the card has no notes block at all.
    await showCard(contact, undefined, { locale: 'en', chat, states: store.conversationStates });
    expect(JSON.stringify(edits[1]!.blocks)).not.toContain('"block_id":"notes"');
    expect(JSON.stringify(edits[1]!.blocks)).toContain('Ana Souza');
  });
});
