import type { MediaKind } from '../model.js';
import { formatBytes } from './locale-format.js';

/**
 * Every text the bridge writes itself, per locale. Each locale is typed as `Messages`, so a
 * key missing from (or added to only) one locale does not compile.
 *
 * Texts are plain: no `&`, `<` or `>`, so they are safe in mrkdwn as they are. Parameters are
 * inserted verbatim: text that came from WhatsApp must be escaped by the caller first
 * (describeContent does).
 */
export const LOCALES = ['en', 'pt-BR'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/** WhatsApp Cloud API error codes the bridge explains in words; others get a generic line. */
export const EXPLAINED_ERROR_CODES = [131047, 131026, 130429, 131056, 131052, 131053] as const;

export interface Messages {
  // Contact card
  name: string;
  phone: string;
  whatsappNumber: string;
  ticket: string;
  sla: string;
  noTicketYet: string;
  openInWhatsApp: string;
  unknownName: string;
  /** Cloud API username row of the card. */
  username: string;
  /** WhatsApp withholds the number of some users who adopted a username. */
  phoneWithheld: string;
  /** The person's WhatsApp user id changed (`user_changed_user_id`): the ids themselves are not shown. */
  userIdChanged: string;
  /** Two cards were one person: in the thread that goes on, and in the one left behind. */
  mergedHere(p: { link: string }): string;
  mergedAway(p: { link: string }): string;
  slaRemaining(p: { time: string }): string;
  slaBreached: string;
  // Inbound notices
  mediaKind(kind: MediaKind): string;
  mediaTooLarge(p: { size?: number; limit: number }): string;
  mediaFetchFailed: string;
  unsupportedMessage(p: { type?: string }): string;
  /** A message WhatsApp delivered malformed: `field` is the first wrong one (e.g. `image.id`). */
  unreadableMessage(p: { type?: string; field?: string }): string;
  systemMessage: string;
  numberChanged(p: { newNumber: string }): string;
  location: string;
  openMap: string;
  sharedContacts(p: { count: number }): string;
  email: string;
  organization: string;
  buttonReply: string;
  listReply: string;
  quickReply: string;
  reacted(p: { emoji: string }): string;
  reactionRemoved: string;
  replyingTo: string;
  messageNotFound: string;
  forwarded: string;
  frequentlyForwarded: string;
  part(p: { index: number; total: number }): string;
  couldNotShow(p: { reason: string }): string;
  // Outbound delivery (later features)
  deliveryFailed: string;
  deliveryError(p: { code: number }): string;
  sentFromPhone: string;
  internalNote: string;
  // Slack → WhatsApp
  windowClosed: string;
  sendTemplate: string;
  templateNotConfigured: string;
  templateSent(p: { user: string; template: string }): string;
  editNotPossible: string;
  deleteNotPossible: string;
  reactionNotSent(p: { name: string }): string;
  fileTooLargeForWhatsApp(p: { name: string; size: number; limit: number }): string;
  fileNotSent(p: { name: string; reason: string }): string;
  replyNotSent(p: { reason: string }): string;
  sendInDoubt: string;
  /** A message the bridge sent (a Jira comment, the resolved message, a template) whose outcome is unknown. */
  deliveryInDoubt: string;
  sendAgain: string;
  sentAgain(p: { user: string }): string;
  sendDoubtSettled: string;
  // Jira Service Management
  slaMet: string;
  slaPaused: string;
  ticketOpened(p: { key: string; url: string }): string;
  ticketStatusChanged(p: { key: string; from: string; to: string }): string;
  ticketResolved(p: { key: string }): string;
  newRequestBelow: string;
  slaWarning(p: { name: string; key: string; time: string }): string;
  jiraFromWhatsApp: string;
  jiraFromSlack: string;
  jiraAttachment(p: { name: string }): string;
  jiraDescription(p: { name: string; phone: string; link: string }): string;
  // WhatsApp Web
  editedMessage: string;
  deletedMessage: string;
  previousVersion: string;
  webLoggedOut: string;
  // ── Agent actions on the card and Jira → contact (issue 12, points 1 and 5) ──
  cardOwner: string;
  cardStatus: string;
  nobodyOwns: string;
  statusOpen: string;
  statusWaiting: string;
  statusResolved: string;
  actionClaim: string;
  actionRelease: string;
  actionWaiting: string;
  actionResolve: string;
  actionReopen: string;
  resolveHint(p: { prefix: string }): string;
  assignedInJira: string;
  assigningInJira: string;
  noJiraUserForAgent(p: { user: string }): string;
  noEmailForAgent: string;
  assignFailedInJira: string;
  ticketDeletedInJira: string;
  claimedBy(p: { user: string }): string;
  releasedBy(p: { user: string }): string;
  waitingBy(p: { user: string }): string;
  resolvedBy(p: { user: string }): string;
  reopenedBy(p: { user: string }): string;
  jiraAssigned(p: { key: string; user: string }): string;
  jiraUnassigned(p: { key: string }): string;
  jiraNoUser(p: { key: string; user: string }): string;
  jiraNoTransition(p: { key: string; action: string; status: string; setting: string }): string;
  jiraActionFailed(p: { key: string; reason: string }): string;
  fromJiraBy(p: { name: string }): string;
  internalFromJira(p: { name: string }): string;
  jiraCommentEdited: string;
  requestReopened(p: { key: string }): string;
  requestDeleted(p: { key: string }): string;
  // ── end of issue 12's block ──
  // Every documented inbound event (issue 13): orders, Flows, edits, revokes, echoes, referrals, failures
  order: string;
  catalogue(p: { id: string }): string;
  each: string;
  orderTotal: string;
  note: string;
  flowAnswers: string;
  addressAnswers: string;
  flowToken: string;
  flowUnreadable: string;
  yes: string;
  no: string;
  callPermission(p: { granted: boolean; permanent?: boolean; until?: string }): string;
  /** An edit whose original is not in this thread (older than the bridge, or never shown). */
  editOfUnknown: string;
  /** The original, marked where it stands: by the contact, or from the business phone. */
  deletedByContact: string;
  deletedFromPhone: string;
  /** A deletion whose original is not in this thread. */
  deletedUnknown(p: { fromPhone: boolean }): string;
  welcomeRequest: string;
  preferenceChanged(p: { category: string; value: string }): string;
  /** A documented message kind WhatsApp does not pass on to integrations (`unsupported`): `what` names it. */
  notPassedOn(p: { what?: string }): string;
  /** Names of the kinds Meta reports in `unsupported.type`, where known. */
  unsupportedKind(type: string): string | undefined;
  /** A type newer than this bridge. */
  unknownType(p: { type?: string }): string;
  /** Meta's own words about an error: title, then details. */
  whatsappSays(p: { title: string; details?: string; code?: number }): string;
  referral(p: { sourceType?: string }): string;
  openAd: string;
  adMedia(p: { mediaType: string }): string;
  jobTitle: string;
  address: string;
  website: string;
  birthday: string;
  /** A deletion, in the Jira copy of the conversation (its line already says who). */
  deletedEarlier: string;
}

const en: Messages = {
  name: 'Name',
  phone: 'Phone',
  whatsappNumber: 'WhatsApp number',
  ticket: 'Ticket',
  sla: 'SLA',
  noTicketYet: 'No ticket yet',
  openInWhatsApp: 'Open in WhatsApp',
  unknownName: 'Unknown',
  username: 'Username',
  phoneWithheld: 'number withheld by WhatsApp',
  userIdChanged: 'This contact’s WhatsApp user id changed (usually a new phone number). The conversation continues in this thread.',
  mergedHere: ({ link }) => `This person also has an earlier card (${link}), under another of their WhatsApp ids. Their messages come to this thread from now on.`,
  mergedAway: ({ link }) => `This person’s conversation continues in another thread (${link}): WhatsApp told us both ids are theirs. Replies here still reach them.`,
  slaRemaining: ({ time }) => `${time} left`,
  slaBreached: 'SLA breached',
  mediaKind: (kind) =>
    ({ image: 'Image', video: 'Video', audio: 'Audio', voice: 'Voice message', document: 'Document', sticker: 'Sticker' })[kind],
  mediaTooLarge: ({ size, limit }) =>
    `The file is too large to forward (${size ? `${formatBytes('en', size)}; ` : ''}the limit is ${formatBytes('en', limit)}).`,
  mediaFetchFailed: 'The media could not be downloaded from WhatsApp. Ask the contact to send it again.',
  unsupportedMessage: ({ type }) =>
    `Unsupported message type${type ? ` (${type})` : ''}. Ask the contact to send it another way.`,
  unreadableMessage: ({ type, field }) =>
    `A message${type ? ` (${type})` : ''} from this contact could not be read: WhatsApp delivered it with ${field ? `the field ${field}` : 'its data'} missing or malformed. Ask the contact to send it again.`,
  systemMessage: 'WhatsApp notice',
  numberChanged: ({ newNumber }) => `The contact changed their number to ${newNumber}.`,
  location: 'Location',
  openMap: 'Open map',
  sharedContacts: ({ count }) => (count === 1 ? 'Shared a contact' : `Shared ${count} contacts`),
  email: 'Email',
  organization: 'Company',
  buttonReply: 'Button reply',
  listReply: 'List reply',
  quickReply: 'Quick reply',
  reacted: ({ emoji }) => `reacted ${emoji} to a message`,
  reactionRemoved: 'removed a reaction',
  replyingTo: 'replying to',
  messageNotFound: '(message not found)',
  forwarded: 'Forwarded',
  frequentlyForwarded: 'Forwarded many times',
  part: ({ index, total }) => `part ${index}/${total}`,
  couldNotShow: ({ reason }) => `A WhatsApp message from this contact could not be shown here (${reason}). It is kept in the dead-letter queue; see /admin.`,
  deliveryFailed: 'Not delivered',
  deliveryError: ({ code }) => {
    switch (code) {
      case 131047:
        return 'More than 24 hours have passed since the contact last wrote, so WhatsApp only accepts an approved template until they reply.';
      case 131026:
        return 'The message could not be delivered: the number may not be on WhatsApp, or the contact may need to update the app.';
      case 130429:
        return "WhatsApp's sending limit for this number was reached. Try again in a few minutes.";
      case 131056:
        return 'Too many messages were sent to this contact in a short time. Wait a little before sending again.';
      case 131052:
        return 'WhatsApp could not download the media the contact sent.';
      case 131053:
        return 'The file could not be uploaded to WhatsApp. Its type may not be supported, or it may be too large.';
      default:
        return `WhatsApp returned error ${code}.`;
    }
  },
  sentFromPhone: 'Sent from the phone',
  internalNote: 'Internal note: not sent to WhatsApp',
  windowClosed:
    'Not sent: the contact last wrote more than 24 hours ago, so WhatsApp only accepts an approved template message until they write again.',
  sendTemplate: 'Send template',
  templateNotConfigured: 'No template is configured (WHATSAPP_TEMPLATE_NAME), so the conversation cannot be reopened from here.',
  templateSent: ({ user, template }) => `Template ${template} sent by ${user}. Replies will go through once the contact answers.`,
  editNotPossible: 'This reply was already sent. WhatsApp cannot edit it through the Cloud API: the contact still sees the original.',
  deleteNotPossible: 'This reply was already sent. WhatsApp cannot delete it through the Cloud API: the contact still sees it.',
  reactionNotSent: ({ name }) => `The reaction :${name}: is a custom Slack emoji and cannot be sent to WhatsApp.`,
  fileTooLargeForWhatsApp: ({ name, size, limit }) =>
    `Not sent: ${name} is ${formatBytes('en', size)}, over the WhatsApp limit of ${formatBytes('en', limit)} for this kind of file.`,
  fileNotSent: ({ name, reason }) => `Not sent: ${name} (${reason}).`,
  replyNotSent: ({ reason }) => `Not sent to WhatsApp: ${reason}`,
  sendInDoubt:
    'This reply may not have been delivered: WhatsApp did not answer in time, and it may or may not have accepted it. It was not sent again, so the contact does not get it twice. If the contact should have it, press Send again.',
  deliveryInDoubt:
    'This message may not have reached the contact: WhatsApp did not confirm it, and it may or may not have accepted it. It was not sent again, so the contact does not get it twice.',
  sendAgain: 'Send again',
  sentAgain: ({ user }) => `Sent again by ${user}.`,
  sendDoubtSettled: 'WhatsApp has confirmed the reply after all: it went out once. Nothing needs to be sent again.',
  slaMet: 'met',
  slaPaused: 'paused',
  ticketOpened: ({ key, url }) => `:ticket: Request ${key} opened in Jira Service Management: ${url}`,
  ticketStatusChanged: ({ key, from, to }) => `:arrows_counterclockwise: ${key}: ${from} → ${to}`,
  ticketResolved: ({ key }) => `:white_check_mark: Request ${key} is resolved.`,
  newRequestBelow: 'The next message from this contact opens a new request.',
  slaWarning: ({ name, key, time }) => `:alarm_clock: ${key}: ${name} is about to be breached (${time} left).`,
  jiraFromWhatsApp: 'on WhatsApp',
  jiraFromSlack: 'from Slack',
  jiraAttachment: ({ name }) => `attachment ${name}`,
  jiraDescription: ({ name, phone, link }) => `WhatsApp conversation with ${name} (${phone}).\nSlack thread: ${link}`,
  editedMessage: 'edited',
  deletedMessage: 'deleted this message',
  previousVersion: 'before',
  webLoggedOut: ':rotating_light: WhatsApp logged this device out, so no WhatsApp messages arrive or go out. Pair the support phone again on the /admin page.',
  // ── Agent actions on the card and Jira → contact (issue 12, points 1 and 5) ──
  cardOwner: 'Owner',
  cardStatus: 'Status',
  nobodyOwns: 'Nobody yet',
  statusOpen: 'Open',
  statusWaiting: 'Waiting for customer',
  statusResolved: 'Resolved',
  actionClaim: 'I’ll take it',
  actionRelease: 'Release',
  actionWaiting: 'Waiting for customer',
  actionResolve: 'Resolve',
  actionReopen: 'Reopen',
  resolveHint: ({ prefix }) => `Resolve asks for an optional closing message to the contact; you can also reply in the thread starting with ${prefix}`,
  assignedInJira: 'assigned in Jira',
  assigningInJira: 'assigning in Jira…',
  noJiraUserForAgent: ({ user }) => `No Jira user has ${user}’s e-mail: the request stays unassigned in Jira.`,
  noEmailForAgent: 'Slack did not tell this agent’s e-mail (scope users:read.email): the request stays unassigned in Jira.',
  assignFailedInJira: 'Jira refused the assignment: the request stays unassigned in Jira.',
  ticketDeletedInJira: 'deleted in Jira',
  claimedBy: ({ user }) => `:raising_hand: ${user} took this conversation.`,
  releasedBy: ({ user }) => `:wave: ${user} released this conversation.`,
  waitingBy: ({ user }) => `:hourglass_flowing_sand: ${user} set this conversation to waiting for the customer.`,
  resolvedBy: ({ user }) => `:white_check_mark: ${user} resolved this conversation.`,
  reopenedBy: ({ user }) => `:leftwards_arrow_with_hook: ${user} reopened this conversation.`,
  jiraAssigned: ({ key, user }) => `:bust_in_silhouette: ${key} is assigned to ${user} in Jira.`,
  jiraUnassigned: ({ key }) => `:bust_in_silhouette: ${key} is unassigned in Jira.`,
  jiraNoUser: ({ key, user }) => `:warning: ${key}: no Jira user has ${user}’s e-mail, so the request stays unassigned in Jira.`,
  jiraNoTransition: ({ key, action, status, setting }) =>
    `:warning: ${key}: Jira offers no “${action}” transition from ${status}, so the request did not change. Name the transition in ${setting}. The card shows the request’s status.`,
  jiraActionFailed: ({ key, reason }) => `:warning: ${key}: Jira refused the change (${reason}). The card shows the request’s status.`,
  fromJiraBy: ({ name }) => `From Jira, by ${name}`,
  internalFromJira: ({ name }) => `:lock: Internal comment in Jira by ${name}: not sent to WhatsApp`,
  jiraCommentEdited: 'Edited in Jira. The contact keeps the version they received.',
  requestReopened: ({ key }) => `:leftwards_arrow_with_hook: Request ${key} was reopened in Jira: the conversation continues in it.`,
  requestDeleted: ({ key }) => `:wastebasket: Request ${key} was deleted in Jira. The contact’s next message raises a new request.`,
  // ── end of issue 12's block ──
  order: 'Order',
  catalogue: ({ id }) => `catalogue ${id}`,
  each: 'each',
  orderTotal: 'Total',
  note: 'Note',
  flowAnswers: 'Form answers',
  addressAnswers: 'Address',
  flowToken: 'Flow token',
  flowUnreadable: 'The answers could not be read (WhatsApp sent them malformed).',
  yes: 'yes',
  no: 'no',
  callPermission: ({ granted, permanent, until }) =>
    granted ? `Allowed calls from this business${permanent ? ' (permanently)' : until ? ` until ${until}` : ''}.` : 'Declined calls from this business.',
  editOfUnknown: 'edited an earlier message that is not shown in this thread; the new version:',
  deletedByContact: 'The contact deleted this message.',
  deletedFromPhone: 'Deleted from the business phone.',
  deletedUnknown: ({ fromPhone }) =>
    fromPhone ? 'A message sent from the business phone was deleted there (it is not shown in this thread).' : 'The contact deleted a message that is not shown in this thread.',
  welcomeRequest: 'opened the chat with the business for the first time (no message yet).',
  preferenceChanged: ({ category, value }) => {
    if (category === 'marketing_messages' && value === 'stop') return 'The contact asked to stop receiving marketing messages. Do not send them marketing templates.';
    if (category === 'marketing_messages' && value === 'resume') return 'The contact agreed to receive marketing messages again.';
    return `The contact changed a WhatsApp preference: ${category} is now ${value}.`;
  },
  notPassedOn: ({ what }) => `WhatsApp does not pass ${what ?? 'this kind of message'} on to integrations, so it cannot be shown here. Ask the contact about it if it matters.`,
  unsupportedKind: (type) =>
    ({
      poll_creation: 'polls',
      poll_update: 'poll votes',
      edit: 'this edit',
      pin: 'pinned messages',
      group_invite: 'group invitations',
      gif: 'GIFs',
      keep_in_chat: 'kept messages',
      link_preview: 'link previews',
      product: 'product messages',
      order: 'order messages',
      view_once: 'view-once media',
      event: 'events',
      media_placeholder: 'this media',
    })[type],
  unknownType: ({ type }) => `A kind of WhatsApp message this bridge does not know yet${type ? ` (${type})` : ''}: it cannot be shown here.`,
  whatsappSays: ({ title, details, code }) => `WhatsApp says: ${title}${code !== undefined ? ` (error ${code})` : ''}${details ? `. ${details}` : ''}`,
  referral: ({ sourceType }) => (sourceType === 'post' ? 'Came from a post' : sourceType === 'ad' ? 'Came from an ad' : 'Came from an ad or post'),
  openAd: 'Open',
  adMedia: ({ mediaType }) => (mediaType === 'video' ? 'Ad video' : mediaType === 'image' ? 'Ad image' : 'Ad media'),
  jobTitle: 'Title',
  address: 'Address',
  website: 'Website',
  birthday: 'Birthday',
  deletedEarlier: 'deleted an earlier message',
};

const ptBR: Messages = {
  name: 'Nome',
  phone: 'Telefone',
  whatsappNumber: 'Número do WhatsApp',
  ticket: 'Chamado',
  sla: 'SLA',
  noTicketYet: 'Ainda sem chamado',
  openInWhatsApp: 'Abrir no WhatsApp',
  unknownName: 'Desconhecido',
  username: 'Nome de usuário',
  phoneWithheld: 'número ocultado pelo WhatsApp',
  userIdChanged: 'O ID de usuário do WhatsApp deste contato mudou (em geral, um novo número de telefone). A conversa continua nesta thread.',
  mergedHere: ({ link }) => `Esta pessoa também tem um cartão anterior (${link}), com outro dos seus IDs do WhatsApp. As mensagens dela chegam a esta thread daqui em diante.`,
  mergedAway: ({ link }) => `A conversa desta pessoa continua em outra thread (${link}): o WhatsApp nos informou que os dois IDs são dela. Respostas aqui ainda chegam a ela.`,
  slaRemaining: ({ time }) => `faltam ${time}`,
  slaBreached: 'SLA estourado',
  mediaKind: (kind) =>
    ({ image: 'Imagem', video: 'Vídeo', audio: 'Áudio', voice: 'Mensagem de voz', document: 'Documento', sticker: 'Figurinha' })[kind],
  mediaTooLarge: ({ size, limit }) =>
    `O arquivo é grande demais para ser encaminhado (${size ? `${formatBytes('pt-BR', size)}; ` : ''}o limite é ${formatBytes('pt-BR', limit)}).`,
  mediaFetchFailed: 'Não foi possível baixar a mídia do WhatsApp. Peça ao contato para enviar de novo.',
  unsupportedMessage: ({ type }) =>
    `Tipo de mensagem não suportado${type ? ` (${type})` : ''}. Peça ao contato para enviar de outra forma.`,
  unreadableMessage: ({ type, field }) =>
    `Não foi possível ler uma mensagem${type ? ` (${type})` : ''} deste contato: o WhatsApp a entregou com ${field ? `o campo ${field} ausente ou inválido` : 'dados ausentes ou inválidos'}. Peça ao contato para enviar de novo.`,
  systemMessage: 'Aviso do WhatsApp',
  numberChanged: ({ newNumber }) => `O contato mudou o número para ${newNumber}.`,
  location: 'Localização',
  openMap: 'Abrir mapa',
  sharedContacts: ({ count }) => (count === 1 ? 'Compartilhou um contato' : `Compartilhou ${count} contatos`),
  email: 'E-mail',
  organization: 'Empresa',
  buttonReply: 'Resposta de botão',
  listReply: 'Resposta de lista',
  quickReply: 'Resposta rápida',
  reacted: ({ emoji }) => `reagiu com ${emoji} a uma mensagem`,
  reactionRemoved: 'removeu uma reação',
  replyingTo: 'em resposta a',
  messageNotFound: '(mensagem não encontrada)',
  forwarded: 'Encaminhada',
  frequentlyForwarded: 'Encaminhada com frequência',
  part: ({ index, total }) => `parte ${index}/${total}`,
  couldNotShow: ({ reason }) => `Uma mensagem do WhatsApp deste contato não pôde ser exibida aqui (${reason}). Ela ficou guardada na fila de falhas; veja /admin.`,
  deliveryFailed: 'Não entregue',
  deliveryError: ({ code }) => {
    switch (code) {
      case 131047:
        return 'Já se passaram mais de 24 horas desde a última mensagem do contato, então o WhatsApp só aceita um modelo de mensagem aprovado até ele responder.';
      case 131026:
        return 'Não foi possível entregar a mensagem: o número pode não ter WhatsApp, ou o contato precisa atualizar o aplicativo.';
      case 130429:
        return 'O limite de envio do WhatsApp para este número foi atingido. Tente de novo em alguns minutos.';
      case 131056:
        return 'Foram enviadas muitas mensagens para este contato em pouco tempo. Aguarde um pouco antes de enviar de novo.';
      case 131052:
        return 'O WhatsApp não conseguiu baixar a mídia enviada pelo contato.';
      case 131053:
        return 'Não foi possível enviar o arquivo para o WhatsApp. O formato pode não ser suportado, ou o arquivo é grande demais.';
      default:
        return `O WhatsApp retornou o erro ${code}.`;
    }
  },
  sentFromPhone: 'Enviada pelo celular',
  internalNote: 'Nota interna: não enviada ao WhatsApp',
  windowClosed:
    'Não enviada: o contato escreveu pela última vez há mais de 24 horas, então o WhatsApp só aceita um modelo de mensagem aprovado até ele escrever de novo.',
  sendTemplate: 'Enviar modelo',
  templateNotConfigured: 'Nenhum modelo está configurado (WHATSAPP_TEMPLATE_NAME), então a conversa não pode ser reaberta por aqui.',
  templateSent: ({ user, template }) => `Modelo ${template} enviado por ${user}. As respostas serão entregues assim que o contato responder.`,
  editNotPossible: 'Esta resposta já foi enviada. O WhatsApp não permite editá-la pela Cloud API: o contato continua vendo a original.',
  deleteNotPossible: 'Esta resposta já foi enviada. O WhatsApp não permite apagá-la pela Cloud API: o contato continua vendo a mensagem.',
  reactionNotSent: ({ name }) => `A reação :${name}: é um emoji personalizado do Slack e não pode ser enviada ao WhatsApp.`,
  fileTooLargeForWhatsApp: ({ name, size, limit }) =>
    `Não enviado: ${name} tem ${formatBytes('pt-BR', size)}, acima do limite do WhatsApp de ${formatBytes('pt-BR', limit)} para este tipo de arquivo.`,
  fileNotSent: ({ name, reason }) => `Não enviado: ${name} (${reason}).`,
  replyNotSent: ({ reason }) => `Não enviada ao WhatsApp: ${reason}`,
  sendInDoubt:
    'Esta resposta pode não ter sido entregue: o WhatsApp não respondeu a tempo e pode ou não tê-la aceitado. Ela não foi reenviada, para que o contato não a receba duas vezes. Se o contato precisa dela, clique em Enviar de novo.',
  deliveryInDoubt:
    'Esta mensagem pode não ter chegado ao contato: o WhatsApp não a confirmou e pode ou não tê-la aceitado. Ela não foi reenviada, para que o contato não a receba duas vezes.',
  sendAgain: 'Enviar de novo',
  sentAgain: ({ user }) => `Reenviada por ${user}.`,
  sendDoubtSettled: 'O WhatsApp confirmou a resposta: ela foi enviada uma vez. Não é preciso reenviar.',
  slaMet: 'cumprido',
  slaPaused: 'pausado',
  ticketOpened: ({ key, url }) => `:ticket: Chamado ${key} aberto no Jira Service Management: ${url}`,
  ticketStatusChanged: ({ key, from, to }) => `:arrows_counterclockwise: ${key}: ${from} → ${to}`,
  ticketResolved: ({ key }) => `:white_check_mark: O chamado ${key} foi resolvido.`,
  newRequestBelow: 'A próxima mensagem deste contato abre um novo chamado.',
  slaWarning: ({ name, key, time }) => `:alarm_clock: ${key}: o SLA ${name} está prestes a estourar (faltam ${time}).`,
  jiraFromWhatsApp: 'pelo WhatsApp',
  jiraFromSlack: 'pelo Slack',
  jiraAttachment: ({ name }) => `anexo ${name}`,
  jiraDescription: ({ name, phone, link }) => `Conversa de WhatsApp com ${name} (${phone}).\nThread no Slack: ${link}`,
  editedMessage: 'editada',
  deletedMessage: 'apagou esta mensagem',
  previousVersion: 'antes',
  webLoggedOut: ':rotating_light: O WhatsApp desconectou este aparelho, então nenhuma mensagem do WhatsApp chega ou sai. Conecte o celular de suporte de novo na página /admin.',
  // ── Agent actions on the card and Jira → contact (issue 12, points 1 and 5) ──
  cardOwner: 'Responsável',
  cardStatus: 'Situação',
  nobodyOwns: 'Ninguém ainda',
  statusOpen: 'Aberta',
  statusWaiting: 'Aguardando o cliente',
  statusResolved: 'Resolvida',
  actionClaim: 'Eu assumo',
  actionRelease: 'Liberar',
  actionWaiting: 'Aguardando o cliente',
  actionResolve: 'Resolver',
  actionReopen: 'Reabrir',
  resolveHint: ({ prefix }) => `Resolver pede uma mensagem de encerramento opcional ao contato; também é possível responder na thread começando com ${prefix}`,
  assignedInJira: 'atribuído no Jira',
  assigningInJira: 'atribuindo no Jira…',
  noJiraUserForAgent: ({ user }) => `Nenhum usuário do Jira tem o e-mail de ${user}: o chamado segue sem responsável no Jira.`,
  noEmailForAgent: 'O Slack não informou o e-mail deste agente (escopo users:read.email): o chamado segue sem responsável no Jira.',
  assignFailedInJira: 'O Jira recusou a atribuição: o chamado segue sem responsável no Jira.',
  ticketDeletedInJira: 'excluído no Jira',
  claimedBy: ({ user }) => `:raising_hand: ${user} assumiu esta conversa.`,
  releasedBy: ({ user }) => `:wave: ${user} liberou esta conversa.`,
  waitingBy: ({ user }) => `:hourglass_flowing_sand: ${user} marcou esta conversa como aguardando o cliente.`,
  resolvedBy: ({ user }) => `:white_check_mark: ${user} resolveu esta conversa.`,
  reopenedBy: ({ user }) => `:leftwards_arrow_with_hook: ${user} reabriu esta conversa.`,
  jiraAssigned: ({ key, user }) => `:bust_in_silhouette: ${key} foi atribuído a ${user} no Jira.`,
  jiraUnassigned: ({ key }) => `:bust_in_silhouette: ${key} ficou sem responsável no Jira.`,
  jiraNoUser: ({ key, user }) => `:warning: ${key}: nenhum usuário do Jira tem o e-mail de ${user}, então o chamado segue sem responsável no Jira.`,
  jiraNoTransition: ({ key, action, status, setting }) =>
    `:warning: ${key}: o Jira não oferece a transição “${action}” a partir de ${status}, então o chamado não mudou. Indique o nome da transição em ${setting}. O cartão mostra a situação do chamado.`,
  jiraActionFailed: ({ key, reason }) => `:warning: ${key}: o Jira recusou a mudança (${reason}). O cartão mostra a situação do chamado.`,
  fromJiraBy: ({ name }) => `Do Jira, por ${name}`,
  internalFromJira: ({ name }) => `:lock: Comentário interno no Jira por ${name}: não enviado ao WhatsApp`,
  jiraCommentEdited: 'Editado no Jira. O contato continua com a versão que recebeu.',
  requestReopened: ({ key }) => `:leftwards_arrow_with_hook: O chamado ${key} foi reaberto no Jira: a conversa continua nele.`,
  requestDeleted: ({ key }) => `:wastebasket: O chamado ${key} foi excluído no Jira. A próxima mensagem do contato abre um novo chamado.`,
  // ── end of issue 12's block ──
  order: 'Pedido',
  catalogue: ({ id }) => `catálogo ${id}`,
  each: 'cada',
  orderTotal: 'Total do pedido',
  note: 'Observação',
  flowAnswers: 'Respostas do formulário',
  addressAnswers: 'Endereço',
  flowToken: 'Token do flow',
  flowUnreadable: 'Não foi possível ler as respostas (o WhatsApp as enviou malformadas).',
  yes: 'sim',
  no: 'não',
  callPermission: ({ granted, permanent, until }) =>
    granted ? `Permitiu ligações desta empresa${permanent ? ' (permanentemente)' : until ? ` até ${until}` : ''}.` : 'Recusou ligações desta empresa.',
  editOfUnknown: 'editou uma mensagem anterior que não aparece nesta thread; a nova versão:',
  deletedByContact: 'O contato apagou esta mensagem.',
  deletedFromPhone: 'Apagada pelo celular da empresa.',
  deletedUnknown: ({ fromPhone }) =>
    fromPhone ? 'Uma mensagem enviada pelo celular da empresa foi apagada lá (ela não aparece nesta thread).' : 'O contato apagou uma mensagem que não aparece nesta thread.',
  welcomeRequest: 'abriu a conversa com a empresa pela primeira vez (ainda sem mensagem).',
  preferenceChanged: ({ category, value }) => {
    if (category === 'marketing_messages' && value === 'stop') return 'O contato pediu para não receber mais mensagens de marketing. Não envie modelos de marketing para ele.';
    if (category === 'marketing_messages' && value === 'resume') return 'O contato aceitou voltar a receber mensagens de marketing.';
    return `O contato mudou uma preferência do WhatsApp: ${category} agora é ${value}.`;
  },
  notPassedOn: ({ what }) => `O WhatsApp não repassa ${what ?? 'este tipo de mensagem'} para integrações, então não é possível exibir aqui. Pergunte ao contato, se for importante.`,
  unsupportedKind: (type) =>
    ({
      poll_creation: 'enquetes',
      poll_update: 'votos em enquetes',
      edit: 'esta edição',
      pin: 'mensagens fixadas',
      group_invite: 'convites de grupo',
      gif: 'GIFs',
      keep_in_chat: 'mensagens mantidas',
      link_preview: 'prévias de links',
      product: 'mensagens de produto',
      order: 'mensagens de pedido',
      view_once: 'mídia de visualização única',
      event: 'eventos',
      media_placeholder: 'esta mídia',
    })[type],
  unknownType: ({ type }) => `Um tipo de mensagem do WhatsApp que esta ponte ainda não conhece${type ? ` (${type})` : ''}: não é possível exibi-la aqui.`,
  whatsappSays: ({ title, details, code }) => `O WhatsApp diz: ${title}${code !== undefined ? ` (erro ${code})` : ''}${details ? `. ${details}` : ''}`,
  referral: ({ sourceType }) => (sourceType === 'post' ? 'Veio de uma publicação' : sourceType === 'ad' ? 'Veio de um anúncio' : 'Veio de um anúncio ou publicação'),
  openAd: 'Abrir',
  adMedia: ({ mediaType }) => (mediaType === 'video' ? 'Vídeo do anúncio' : mediaType === 'image' ? 'Imagem do anúncio' : 'Mídia do anúncio'),
  jobTitle: 'Cargo',
  address: 'Endereço',
  website: 'Site',
  birthday: 'Aniversário',
  deletedEarlier: 'apagou uma mensagem anterior',
};

const CATALOG = { en, 'pt-BR': ptBR } satisfies Record<Locale, Messages>;

export function messages(locale: Locale): Messages {
  return CATALOG[locale];
}

type ParamsOf<K extends keyof Messages> = Messages[K] extends (arg: infer P) => string ? [P] : [];

/** `t('pt-BR', 'part', { index: 2, total: 3 })`, `t('en', 'openMap')`: the same texts, by key. */
export function t<K extends keyof Messages>(locale: Locale, key: K, ...params: ParamsOf<K>): string {
  const entry: unknown = messages(locale)[key];
  if (typeof entry === 'function') return String((entry as (arg: unknown) => unknown)(params[0]));
  return String(entry);
}

// ---------------------------------------------------------------------------------------------
// Starting conversations, the template picker and saved replies (issue 12, points 2–4): a block of
// their own, so other work on the catalogue above merges cleanly. Modal titles and buttons ≤ 24 chars.

export interface StartMessages {
  startTitle: string;
  templateTitle: string;
  savedReplyTitle: string;
  savedRepliesTitle: string;
  editReplyTitle: string;
  send: string;
  save: string;
  cancel: string;
  /** With several routes: which number a conversation started from Slack goes out from. */
  sendFromLabel: string;
  sendFromHint: string;
  unknownRoute: string;
  notThisNumbersTemplate: string;
  phoneLabel: string;
  phoneHint: string;
  nameLabel: string;
  templateLabel: string;
  variableLabel(p: { n: number }): string;
  preview: string;
  fillIn: string;
  messageLabel: string;
  invalidPhone: string;
  noTemplates: string;
  templatesUnavailable: string;
  templatesLoading: string;
  noBusinessAccount: string;
  startedBy(p: { user: string }): string;
  startedWithTemplate(p: { user: string; template: string }): string;
  startedWithText(p: { user: string }): string;
  templateInDoubt: string;
  savedReplyLabel: string;
  noSavedReplies: string;
  replyName: string;
  replyNameHint: string;
  replyText: string;
  replyTextHint: string;
  replyFile: string;
  replyUpload: string;
  replyUploadHint: string;
  replyKeepsFile(p: { name: string }): string;
  addReply: string;
  editReply: string;
  deleteReply: string;
  invalidReplyName: string;
  invalidFileUrl: string;
  unknownReply(p: { name: string }): string;
  notAContactThread: string;
  /** Slack refused to open a modal (its error code: an expired trigger, mostly). */
  viewNotOpened(p: { error: string }): string;
  savedReplySent(p: { user: string; name: string }): string;
  resolveTitle: string;
  resolveSubmit: string;
  closingLabel: string;
  closingHint: string;
  closingWindowClosed: string;
  closingSent(p: { user: string }): string;
  replyInThread: string;
  homeIntro: string;
  commandHelp: string;
  /** A slash command of the app other than /whatsapp (or /whatsapp where the interactions are off). */
  otherCommand: string;
}

const startEn: StartMessages = {
  startTitle: 'New WhatsApp chat',
  templateTitle: 'Send a template',
  savedReplyTitle: 'Send a saved reply',
  savedRepliesTitle: 'Saved replies',
  editReplyTitle: 'Saved reply',
  send: 'Send',
  save: 'Save',
  cancel: 'Cancel',
  sendFromLabel: 'Send from',
  sendFromHint: 'The WhatsApp number the contact gets it from; the card goes to its channel.',
  unknownRoute: 'This number is no longer one of the routes. Pick one from the list.',
  notThisNumbersTemplate: 'This template is not one of the chosen number’s. Pick one of its templates.',
  phoneLabel: 'Phone number',
  phoneHint: 'With the country code, e.g. +1 650 555 1234',
  nameLabel: 'Name',
  templateLabel: 'Template',
  variableLabel: ({ n }) => `Variable {{${n}}}`,
  preview: 'Preview',
  fillIn: 'Fill this in: the template needs it.',
  messageLabel: 'Message',
  invalidPhone: 'This is not a valid phone number. Write it with the country code, e.g. +1 650 555 1234.',
  noTemplates: 'The WhatsApp Business account has no approved templates, and only a template can start a conversation.',
  templatesUnavailable: 'The templates could not be loaded from WhatsApp just now. Close this and try again in a minute.',
  templatesLoading: ':hourglass_flowing_sand: Loading the account’s templates from WhatsApp…',
  noBusinessAccount: 'Set WHATSAPP_BUSINESS_ACCOUNT_ID (or the route’s business_account_id) to choose among the account’s templates; only the default one is offered.',
  startedBy: ({ user }) => `:outbox_tray: Conversation started from Slack by ${user}`,
  startedWithTemplate: ({ user, template }) => `:outbox_tray: ${user} started the conversation with the template ${template}:`,
  startedWithText: ({ user }) => `:outbox_tray: ${user} started the conversation:`,
  templateInDoubt: 'WhatsApp did not answer in time, so this may or may not have gone out. It was not sent again, so the contact does not get it twice; its receipt shows here if it arrives. Send it again from the thread if the contact should have it.',
  savedReplyLabel: 'Saved reply',
  noSavedReplies: 'There are no saved replies yet. Add one on the app’s Home tab or with /whatsapp replies.',
  replyName: 'Name',
  replyNameHint: 'Letters, digits, - and _ (used in /whatsapp reply NAME)',
  replyText: 'Text',
  replyTextHint: 'Placeholders: {name} (the contact), {ticket} (the Jira request), {agent} (who sends it)',
  replyFile: 'Link to a file',
  replyUpload: 'Or a file from Slack',
  replyUploadHint: 'Sent to the contact after the text, like a file attached to a reply.',
  replyKeepsFile: ({ name }) => `Sent to the contact after the text: ${name}. Pick another file to replace it.`,
  addReply: 'Add a saved reply',
  editReply: 'Edit',
  deleteReply: 'Delete',
  invalidReplyName: 'Use up to 40 letters, digits, - or _.',
  invalidFileUrl: 'Expected a link starting with https://',
  unknownReply: ({ name }) => `There is no saved reply called ${name}.`,
  notAContactThread: 'This works on a message in a contact’s thread in the support channel.',
  viewNotOpened: ({ error }) => `Slack did not open the window (${error}): nothing was changed. Please press again.`,
  savedReplySent: ({ user, name }) => `${user} sent the saved reply ${name}:`,
  resolveTitle: 'Resolve conversation',
  resolveSubmit: 'Resolve',
  closingLabel: 'Closing message to the contact',
  closingHint: 'Optional: leave it empty to resolve without a message. It is sent like a reply, signed with your name.',
  closingWindowClosed: 'The contact last wrote more than 24 hours ago, so WhatsApp does not let a free-text message through now. Resolve without one, or send a template from the thread first.',
  closingSent: ({ user }) => `${user} resolved with this closing message:`,
  replyInThread: 'Slack does not say which thread a slash command was typed in: use the message shortcut “Send saved reply” on a message of the contact’s thread.',
  homeIntro: 'Saved replies are shared by everyone answering WhatsApp. Insert one in a contact’s thread with the message shortcut “Send saved reply”.',
  commandHelp: '/whatsapp (or /whatsapp start) starts a conversation with a number, /whatsapp replies manages the saved replies, /whatsapp reply NAME sends one.',
  otherCommand: 'This bridge answers /whatsapp only: reply in a contact’s thread to answer them on WhatsApp.',
};

const startPtBR: StartMessages = {
  startTitle: 'Nova conversa WhatsApp',
  templateTitle: 'Enviar um modelo',
  savedReplyTitle: 'Resposta pronta',
  savedRepliesTitle: 'Respostas prontas',
  editReplyTitle: 'Resposta pronta',
  send: 'Enviar',
  save: 'Salvar',
  cancel: 'Cancelar',
  sendFromLabel: 'Enviar de',
  sendFromHint: 'O número de WhatsApp de onde o contato recebe; o cartão vai para o canal dele.',
  unknownRoute: 'Este número não é mais uma das rotas. Escolha um da lista.',
  notThisNumbersTemplate: 'Este modelo não é do número escolhido. Escolha um dos modelos dele.',
  phoneLabel: 'Número de telefone',
  phoneHint: 'Com o código do país, por exemplo +55 11 91234 5678',
  nameLabel: 'Nome',
  templateLabel: 'Modelo',
  variableLabel: ({ n }) => `Variável {{${n}}}`,
  preview: 'Prévia',
  fillIn: 'Preencha: o modelo precisa disso.',
  messageLabel: 'Mensagem',
  invalidPhone: 'Este não é um número de telefone válido. Escreva com o código do país, por exemplo +55 11 91234 5678.',
  noTemplates: 'A conta do WhatsApp Business não tem modelos aprovados, e só um modelo pode iniciar uma conversa.',
  templatesUnavailable: 'Não foi possível carregar os modelos do WhatsApp agora. Feche e tente de novo em um minuto.',
  templatesLoading: ':hourglass_flowing_sand: Carregando os modelos da conta no WhatsApp…',
  noBusinessAccount: 'Defina WHATSAPP_BUSINESS_ACCOUNT_ID (ou o business_account_id da rota) para escolher entre os modelos da conta; só o modelo padrão é oferecido.',
  startedBy: ({ user }) => `:outbox_tray: Conversa iniciada pelo Slack por ${user}`,
  startedWithTemplate: ({ user, template }) => `:outbox_tray: ${user} iniciou a conversa com o modelo ${template}:`,
  startedWithText: ({ user }) => `:outbox_tray: ${user} iniciou a conversa:`,
  templateInDoubt: 'O WhatsApp não respondeu a tempo, então isto pode ou não ter sido enviado. Não foi enviado de novo, para o contato não receber duas vezes; o recibo aparece aqui se chegar. Envie de novo pela conversa se o contato precisar.',
  savedReplyLabel: 'Resposta pronta',
  noSavedReplies: 'Ainda não há respostas prontas. Adicione uma na aba Início do app ou com /whatsapp replies.',
  replyName: 'Nome',
  replyNameHint: 'Letras, dígitos, - e _ (usado em /whatsapp reply NOME)',
  replyText: 'Texto',
  replyTextHint: 'Marcadores: {name} (o contato), {ticket} (a solicitação no Jira), {agent} (quem envia)',
  replyFile: 'Link para um arquivo',
  replyUpload: 'Ou um arquivo do Slack',
  replyUploadHint: 'Enviado ao contato depois do texto, como um arquivo anexado a uma resposta.',
  replyKeepsFile: ({ name }) => `Enviado ao contato depois do texto: ${name}. Escolha outro arquivo para substituí-lo.`,
  addReply: 'Adicionar resposta',
  editReply: 'Editar',
  deleteReply: 'Excluir',
  invalidReplyName: 'Use até 40 letras, dígitos, - ou _.',
  invalidFileUrl: 'Esperava um link começando com https://',
  unknownReply: ({ name }) => `Não existe resposta pronta chamada ${name}.`,
  notAContactThread: 'Isto funciona em uma mensagem na conversa de um contato no canal de suporte.',
  viewNotOpened: ({ error }) => `O Slack não abriu a janela (${error}): nada foi alterado. Pressione de novo.`,
  savedReplySent: ({ user, name }) => `${user} enviou a resposta pronta ${name}:`,
  resolveTitle: 'Resolver conversa',
  resolveSubmit: 'Resolver',
  closingLabel: 'Mensagem de encerramento ao contato',
  closingHint: 'Opcional: deixe em branco para resolver sem mensagem. Ela é enviada como uma resposta, assinada com o seu nome.',
  closingWindowClosed: 'O contato escreveu pela última vez há mais de 24 horas, então o WhatsApp não deixa passar uma mensagem de texto livre agora. Resolva sem mensagem, ou envie antes um modelo pela thread.',
  closingSent: ({ user }) => `${user} resolveu com esta mensagem de encerramento:`,
  replyInThread: 'O Slack não informa em qual conversa um comando foi digitado: use o atalho de mensagem “Enviar resposta pronta” em uma mensagem da conversa do contato.',
  homeIntro: 'As respostas prontas são compartilhadas por todos que atendem no WhatsApp. Insira uma na conversa de um contato com o atalho de mensagem “Enviar resposta pronta”.',
  commandHelp: '/whatsapp (ou /whatsapp start) inicia uma conversa com um número, /whatsapp replies gerencia as respostas prontas, /whatsapp reply NOME envia uma.',
  otherCommand: 'Esta ponte responde só a /whatsapp: responda na thread de um contato para falar com ele no WhatsApp.',
};

const START_CATALOG = { en: startEn, 'pt-BR': startPtBR } satisfies Record<Locale, StartMessages>;

export function startMessages(locale: Locale): StartMessages {
  return START_CATALOG[locale];
}
