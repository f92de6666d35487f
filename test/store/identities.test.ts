import { describe, expect, it } from 'vitest';
import { createContactStore } from '../../src/store/repos.js';
import { findConversation, joinConversation, resolveConversation } from '../../src/core/conversation-identity.js';
import { storeFixtures, useMigratedStore } from '../support/stores.js';

const PHONE = '16505551234';
const BSUID = 'US.13491208655302741918';
const PARENT = 'US.ENT.11815799212886844830';

describe.each(storeFixtures)('contact identifiers on $name', (fixture) => {
  const ctx = useMigratedStore(fixture);
  const rows = () => ctx.store.db.selectFrom('contact_identifiers').select(['kind', 'value', 'chat_id']).orderBy('kind').orderBy('value').execute();

  it('keys a new person by their number, else their BSUID, and joins identifiers that come later', async () => {
    expect(await resolveConversation(ctx.store.identities, { bsuid: BSUID, username: 'sheena' }, 1)).toEqual({ chatId: BSUID, merged: [] });
    // The number turns up with the BSUID: the same conversation; then the number alone finds it.
    expect(await resolveConversation(ctx.store.identities, { phone: PHONE, bsuid: BSUID, parentBsuid: PARENT }, 2)).toEqual({ chatId: BSUID, merged: [] });
    expect(await resolveConversation(ctx.store.identities, { phone: PHONE }, 3)).toEqual({ chatId: BSUID, merged: [] });
    expect(await findConversation(ctx.store.identities, [PARENT])).toBe(BSUID);
    expect(await findConversation(ctx.store.identities, ['16505550000', undefined])).toBeUndefined();
    expect(await resolveConversation(ctx.store.identities, { phone: '16505550199' }, 4)).toEqual({ chatId: '16505550199', merged: [] });
    expect(await rows()).toEqual([
      { kind: 'bsuid', value: BSUID, chat_id: BSUID },
      { kind: 'parent_bsuid', value: PARENT, chat_id: BSUID },
      { kind: 'phone', value: '16505550199', chat_id: '16505550199' },
      { kind: 'phone', value: PHONE, chat_id: BSUID },
      { kind: 'username', value: 'sheena', chat_id: BSUID },
    ]);
  });

  it('moves a username to its current holder and keeps one per person', async () => {
    await joinConversation(ctx.store.identities, 'a', { username: 'first' }, 1);
    await joinConversation(ctx.store.identities, 'a', { username: 'second' }, 2);
    await joinConversation(ctx.store.identities, 'b', { username: 'first' }, 3);
    expect(await rows()).toEqual([
      { kind: 'username', value: 'first', chat_id: 'b' },
      { kind: 'username', value: 'second', chat_id: 'a' },
    ]);
  });

  it('merges two conversations of one person into the oldest', async () => {
    let t = 100;
    const contacts = createContactStore(ctx.store.db, () => t);
    await resolveConversation(ctx.store.identities, { lid: '140913951141911@lid' }, 1);
    await contacts.upsert({ chatId: '140913951141911@lid', transport: 'web', waId: '140913951141911@lid', phone: '', isGroup: false });
    t = 200;
    await resolveConversation(ctx.store.identities, { phone: PHONE }, 2);
    await contacts.upsert({ chatId: PHONE, transport: 'web', waId: PHONE, phone: PHONE, isGroup: false });
    expect(await resolveConversation(ctx.store.identities, { phone: PHONE, lid: '140913951141911@lid' }, 3)).toEqual({ chatId: '140913951141911@lid', merged: [PHONE] });
    expect(await findConversation(ctx.store.identities, [PHONE])).toBe('140913951141911@lid');
    expect(await resolveConversation(ctx.store.identities, { phone: PHONE }, 4)).toEqual({ chatId: '140913951141911@lid', merged: [] });
  });
});
