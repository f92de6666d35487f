import { describe, expect, it } from 'vitest';
import type { MediaKind } from '../model.js';
import { DEFAULT_LOCALE, EXPLAINED_ERROR_CODES, LOCALES, isLocale, messages, t, type Locale, type Messages } from './i18n.js';
import { formatBytes, formatDate, formatDateTime, formatTime } from './locale-format.js';

const MEDIA_KINDS: MediaKind[] = ['image', 'video', 'audio', 'voice', 'document', 'sticker'];

/** Every text of a locale, with sample parameters for the parameterised ones. */
function allTexts(locale: Locale): Record<string, string> {
  const m = messages(locale);
  const samples: { [K in keyof Messages]: () => string } = {
    name: () => m.name,
    sendInDoubt: () => m.sendInDoubt,
    deliveryInDoubt: () => m.deliveryInDoubt,
    sendAgain: () => m.sendAgain,
    sentAgain: () => m.sentAgain({ user: 'Ana Souza' }),
    sendDoubtSettled: () => m.sendDoubtSettled,
    phone: () => m.phone,
    whatsappNumber: () => m.whatsappNumber,
    ticket: () => m.ticket,
    sla: () => m.sla,
    noTicketYet: () => m.noTicketYet,
    openInWhatsApp: () => m.openInWhatsApp,
    unknownName: () => m.unknownName,
    username: () => m.username,
    phoneWithheld: () => m.phoneWithheld,
    userIdChanged: () => m.userIdChanged,
    mergedHere: () => m.mergedHere({ link: 'https://x.slack.com/archives/C1/p1' }),
    mergedAway: () => m.mergedAway({ link: 'https://x.slack.com/archives/C1/p1' }),
    slaRemaining: () => m.slaRemaining({ time: '2h' }),
    slaBreached: () => m.slaBreached,
    mediaKind: () => MEDIA_KINDS.map((k) => m.mediaKind(k)).join('|'),
    mediaTooLarge: () => `${m.mediaTooLarge({ size: 13_000_000, limit: 10 * 1024 * 1024 })}|${m.mediaTooLarge({ limit: 1024 })}`,
    mediaFetchFailed: () => m.mediaFetchFailed,
    unsupportedMessage: () => `${m.unsupportedMessage({})}|${m.unsupportedMessage({ type: 'order' })}`,
    unreadableMessage: () => `${m.unreadableMessage({})}|${m.unreadableMessage({ type: 'image', field: 'image.id' })}`,
    systemMessage: () => m.systemMessage,
    numberChanged: () => m.numberChanged({ newNumber: '+55 11 91234-5678' }),
    location: () => m.location,
    openMap: () => m.openMap,
    sharedContacts: () => `${m.sharedContacts({ count: 1 })}|${m.sharedContacts({ count: 3 })}`,
    email: () => m.email,
    organization: () => m.organization,
    buttonReply: () => m.buttonReply,
    listReply: () => m.listReply,
    quickReply: () => m.quickReply,
    reacted: () => m.reacted({ emoji: '❤️' }),
    reactionRemoved: () => m.reactionRemoved,
    replyingTo: () => m.replyingTo,
    messageNotFound: () => m.messageNotFound,
    forwarded: () => m.forwarded,
    frequentlyForwarded: () => m.frequentlyForwarded,
    part: () => m.part({ index: 2, total: 3 }),
    couldNotShow: () => m.couldNotShow({ reason: 'slack_invalid_blocks' }),
    deliveryFailed: () => m.deliveryFailed,
    deliveryError: () => [...EXPLAINED_ERROR_CODES, 999].map((code) => m.deliveryError({ code })).join('|'),
    sentFromPhone: () => m.sentFromPhone,
    internalNote: () => m.internalNote,
    windowClosed: () => m.windowClosed,
    sendTemplate: () => m.sendTemplate,
    templateNotConfigured: () => m.templateNotConfigured,
    templateSent: () => m.templateSent({ user: 'Ana', template: 'reopen_conversation' }),
    editNotPossible: () => m.editNotPossible,
    deleteNotPossible: () => m.deleteNotPossible,
    reactionNotSent: () => m.reactionNotSent({ name: 'partyparrot' }),
    fileTooLargeForWhatsApp: () => m.fileTooLargeForWhatsApp({ name: 'scan.pdf', size: 200_000_000, limit: 100 * 1024 * 1024 }),
    fileNotSent: () => m.fileNotSent({ name: 'scan.pdf', reason: 'graph_131053' }),
    replyNotSent: () => m.replyNotSent({ reason: 'the number is not on WhatsApp' }),
    slaMet: () => m.slaMet,
    slaPaused: () => m.slaPaused,
    ticketOpened: () => m.ticketOpened({ key: 'SUP-12', url: 'https://example.atlassian.net/servicedesk/customer/portal/1/SUP-12' }),
    ticketStatusChanged: () => m.ticketStatusChanged({ key: 'SUP-12', from: 'Waiting for support', to: 'In progress' }),
    ticketResolved: () => m.ticketResolved({ key: 'SUP-12' }),
    newRequestBelow: () => m.newRequestBelow,
    slaWarning: () => m.slaWarning({ name: 'Time to first response', key: 'SUP-12', time: '12m' }),
    jiraFromWhatsApp: () => m.jiraFromWhatsApp,
    jiraFromSlack: () => m.jiraFromSlack,
    jiraAttachment: () => m.jiraAttachment({ name: 'scan.pdf' }),
    editedMessage: () => m.editedMessage,
    deletedMessage: () => m.deletedMessage,
    previousVersion: () => m.previousVersion,
    webLoggedOut: () => m.webLoggedOut,
    jiraDescription: () => m.jiraDescription({ name: 'Sheena', phone: '+1 650-555-1234', link: 'https://x.slack.com/archives/C1/p1' }),
    // Issue 12: card actions and Jira → contact
    cardOwner: () => m.cardOwner,
    cardStatus: () => m.cardStatus,
    nobodyOwns: () => m.nobodyOwns,
    statusOpen: () => m.statusOpen,
    statusWaiting: () => m.statusWaiting,
    statusResolved: () => m.statusResolved,
    actionClaim: () => m.actionClaim,
    actionRelease: () => m.actionRelease,
    actionWaiting: () => m.actionWaiting,
    actionResolve: () => m.actionResolve,
    actionReopen: () => m.actionReopen,
    resolveHint: () => m.resolveHint({ prefix: 'resolve:' }),
    assignedInJira: () => m.assignedInJira,
    assigningInJira: () => m.assigningInJira,
    noJiraUserForAgent: () => m.noJiraUserForAgent({ user: 'Ana Souza' }),
    noEmailForAgent: () => m.noEmailForAgent,
    assignFailedInJira: () => m.assignFailedInJira,
    ticketDeletedInJira: () => m.ticketDeletedInJira,
    claimedBy: () => m.claimedBy({ user: 'Ana Souza' }),
    releasedBy: () => m.releasedBy({ user: 'Ana Souza' }),
    waitingBy: () => m.waitingBy({ user: 'Ana Souza' }),
    resolvedBy: () => m.resolvedBy({ user: 'Ana Souza' }),
    reopenedBy: () => m.reopenedBy({ user: 'Ana Souza' }),
    jiraAssigned: () => m.jiraAssigned({ key: 'SUP-12', user: 'Ana Souza' }),
    jiraUnassigned: () => m.jiraUnassigned({ key: 'SUP-12' }),
    jiraNoUser: () => m.jiraNoUser({ key: 'SUP-12', user: 'Ana Souza' }),
    jiraNoTransition: () => m.jiraNoTransition({ key: 'SUP-12', action: 'Resolve', status: 'Closed', setting: 'JIRA_TRANSITION_RESOLVE' }),
    jiraActionFailed: () => m.jiraActionFailed({ key: 'SUP-12', reason: 'jira_forbidden' }),
    fromJiraBy: () => m.fromJiraBy({ name: 'Ana Souza' }),
    internalFromJira: () => m.internalFromJira({ name: 'Ana Souza' }),
    jiraCommentEdited: () => m.jiraCommentEdited,
    requestReopened: () => m.requestReopened({ key: 'SUP-12' }),
    requestDeleted: () => m.requestDeleted({ key: 'SUP-12' }),
    order: () => m.order,
    catalogue: () => m.catalogue({ id: '194836987003835' }),
    each: () => m.each,
    orderTotal: () => m.orderTotal,
    note: () => m.note,
    flowAnswers: () => m.flowAnswers,
    addressAnswers: () => m.addressAnswers,
    flowToken: () => m.flowToken,
    flowUnreadable: () => m.flowUnreadable,
    yes: () => m.yes,
    no: () => m.no,
    callPermission: () => [m.callPermission({ granted: true }), m.callPermission({ granted: true, permanent: true }), m.callPermission({ granted: true, until: 'Dec 9' }), m.callPermission({ granted: false })].join('|'),
    editOfUnknown: () => m.editOfUnknown,
    deletedByContact: () => m.deletedByContact,
    deletedFromPhone: () => m.deletedFromPhone,
    deletedUnknown: () => `${m.deletedUnknown({ fromPhone: false })}|${m.deletedUnknown({ fromPhone: true })}`,
    welcomeRequest: () => m.welcomeRequest,
    preferenceChanged: () =>
      ['stop', 'resume', 'other'].map((value) => m.preferenceChanged({ category: 'marketing_messages', value })).join('|') + m.preferenceChanged({ category: 'x', value: 'y' }),
    notPassedOn: () => `${m.notPassedOn({})}|${m.notPassedOn({ what: m.unsupportedKind('poll_creation')! })}`,
    unsupportedKind: () => ['poll_creation', 'edit', 'pin', 'gif'].map((k) => m.unsupportedKind(k) ?? 'missing').join('|'),
    unknownType: () => `${m.unknownType({})}|${m.unknownType({ type: 'hologram' })}`,
    whatsappSays: () => `${m.whatsappSays({ title: 'Message undeliverable' })}|${m.whatsappSays({ title: 'Message undeliverable', code: 131026, details: 'Unable to deliver.' })}`,
    referral: () => ['ad', 'post', undefined].map((sourceType) => m.referral({ sourceType })).join('|'),
    openAd: () => m.openAd,
    adMedia: () => ['image', 'video', ''].map((mediaType) => m.adMedia({ mediaType })).join('|'),
    jobTitle: () => m.jobTitle,
    address: () => m.address,
    website: () => m.website,
    birthday: () => m.birthday,
    deletedEarlier: () => m.deletedEarlier,
  };
  return Object.fromEntries(Object.entries(samples).map(([key, sample]) => [key, sample()]));
}

describe('catalogue', () => {
  it('has identical key sets in every locale', () => {
    const keys = LOCALES.map((l) => Object.keys(messages(l)).sort());
    for (const k of keys) expect(k).toEqual(keys[0]);
  });

  it('uses the same kind of entry (text or function) for a key in every locale', () => {
    const en = messages('en');
    for (const locale of LOCALES) {
      const m = messages(locale);
      for (const key of Object.keys(en) as (keyof Messages)[]) expect(typeof m[key]).toBe(typeof en[key]);
    }
  });

  it('is fully covered by the samples in this test', () => {
    expect(Object.keys(allTexts('en')).sort()).toEqual(Object.keys(messages('en')).sort());
  });

  for (const locale of LOCALES) {
    it(`${locale}: writes non-empty texts without mrkdwn control characters`, () => {
      for (const [key, text] of Object.entries(allTexts(locale))) {
        expect(text.trim(), key).not.toBe('');
        expect(text, key).not.toMatch(/[<>&]/);
        expect(text, key).not.toMatch(/undefined|NaN|\[object/);
      }
    });
  }

  it('is actually translated', () => {
    const en = allTexts('en');
    const pt = allTexts('pt-BR');
    const same = Object.keys(en).filter((key) => en[key] === pt[key]);
    // The SLA label and a status change line (key and Jira's own status names only) read the same in both.
    expect(same).toEqual(['sla', 'ticketStatusChanged']);
  });

  it('names the kinds WhatsApp does not pass on, in both locales', () => {
    for (const locale of LOCALES) {
      const m = messages(locale);
      expect(m.unsupportedKind('poll_creation')).toBeTruthy();
      expect(m.unsupportedKind('hologram')).toBeUndefined();
      // An edit WhatsApp did not pass on is never a request to resend.
      expect(m.notPassedOn({ what: m.unsupportedKind('edit')! })).not.toMatch(/send it|enviar de/);
    }
  });
});

describe('texts', () => {
  it('writes the contact card labels', () => {
    expect(messages('en').noTicketYet).toBe('No ticket yet');
    expect(messages('pt-BR').openInWhatsApp).toBe('Abrir no WhatsApp');
    expect(messages('pt-BR').ticket).toBe('Chamado');
  });

  it('formats sizes in the locale inside the media notice', () => {
    expect(messages('en').mediaTooLarge({ size: 13_000_000, limit: 10 * 1024 * 1024 })).toBe(
      'The file is too large to forward (12.4 MB; the limit is 10 MB).',
    );
    expect(messages('pt-BR').mediaTooLarge({ size: 13_000_000, limit: 10 * 1024 * 1024 })).toBe(
      'O arquivo é grande demais para ser encaminhado (12,4 MB; o limite é 10 MB).',
    );
  });

  it('writes reactions, parts and plural contacts', () => {
    expect(messages('en').reacted({ emoji: '❤️' })).toBe('reacted ❤️ to a message');
    expect(messages('pt-BR').reacted({ emoji: '❤️' })).toBe('reagiu com ❤️ a uma mensagem');
    expect(messages('pt-BR').part({ index: 2, total: 3 })).toBe('parte 2/3');
    expect(messages('en').sharedContacts({ count: 2 })).toBe('Shared 2 contacts');
    expect(messages('pt-BR').sharedContacts({ count: 1 })).toBe('Compartilhou um contato');
  });

  it('explains each known delivery error differently, and names unknown codes', () => {
    for (const locale of LOCALES) {
      const m = messages(locale);
      const explained = EXPLAINED_ERROR_CODES.map((code) => m.deliveryError({ code }));
      expect(new Set(explained).size).toBe(EXPLAINED_ERROR_CODES.length);
      expect(explained).not.toContain(m.deliveryError({ code: 999 }));
      expect(m.deliveryError({ code: 131049 })).toContain('131049');
    }
    expect(messages('en').deliveryError({ code: 131047 })).toMatch(/24 hours.*template/);
    expect(messages('pt-BR').deliveryError({ code: 131047 })).toMatch(/24 horas.*modelo/);
  });
});

describe('t', () => {
  it('returns the same texts as messages()', () => {
    expect(t('pt-BR', 'openMap')).toBe('Abrir mapa');
    expect(t('en', 'part', { index: 1, total: 2 })).toBe('part 1/2');
    expect(t('pt-BR', 'mediaKind', 'sticker')).toBe('Figurinha');
  });

  it('is typed: parameters are required where a text needs them', () => {
    // @ts-expect-error missing parameters
    expect(() => t('en', 'part')).toThrow();
    // @ts-expect-error a plain text takes no parameters
    t('en', 'openMap', { index: 1 });
  });

  it('does not compile a locale with a missing key', () => {
    // @ts-expect-error every key is required
    const incomplete: Messages = { name: 'Name' };
    expect(incomplete.name).toBe('Name');
  });
});

describe('locales', () => {
  it('recognises supported locales only', () => {
    expect(isLocale('pt-BR')).toBe(true);
    expect(isLocale('en')).toBe(true);
    expect(isLocale('pt')).toBe(false);
    expect(isLocale('EN')).toBe(false);
    expect(DEFAULT_LOCALE).toBe('en');
  });
});

describe('locale formatting', () => {
  const at = Date.UTC(2025, 5, 8, 21, 39); // 2025-06-08 21:39 UTC
  const normal = (s: string): string => s.replace(/[\u202f\u00a0]/g, ' ');

  it('formats dates and times per locale and zone', () => {
    expect(normal(formatDateTime('en', at, { timeZone: 'UTC' }))).toBe('Jun 8, 2025, 9:39 PM');
    expect(normal(formatDateTime('pt-BR', at, { timeZone: 'America/Sao_Paulo' }))).toBe('8 de jun. de 2025, 18:39');
    expect(normal(formatDate('pt-BR', at, { timeZone: 'UTC' }))).toBe('8 de jun. de 2025');
    expect(normal(formatTime('en', at, { timeZone: 'UTC' }))).toBe('9:39 PM');
    expect(formatTime('pt-BR', at, { timeZone: 'UTC' })).toBe('21:39');
  });

  it('rejects unknown time zones', () => {
    expect(() => formatTime('en', at, { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });

  it('formats sizes in steps of 1,024', () => {
    expect(normal(formatBytes('en', 512))).toBe('512 bytes');
    expect(normal(formatBytes('pt-BR', 1))).toBe('1 byte');
    expect(normal(formatBytes('en', 1536))).toBe('1.5 kB');
    expect(normal(formatBytes('pt-BR', 5 * 1024 * 1024))).toBe('5 MB');
    expect(normal(formatBytes('pt-BR', 2.5 * 1024 ** 3))).toBe('2,5 GB');
    expect(normal(formatBytes('en', -1))).toBe('0 bytes');
  });
});
