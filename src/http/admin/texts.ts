import type { Locale } from '../../core/format/i18n.js';
import type { JiraDesk } from './types.js';
import { en } from './texts-en.js';
import { ptBR } from './texts-pt-br.js';

/**
 * Every text of /admin, per locale (LOCALE, as Slack's texts). Each locale is typed as
 * `AdminTexts`, so a text missing from one of them does not compile. Texts are plain: the pages
 * escape them where they insert them. A `…` in backticks (`ADMIN_TOKEN`) is shown as code
 * (`withCode`). Status.json's names and values are not texts: they stay as they are in every locale.
 */

export type AdminState = 'connecting' | 'qr' | 'open' | 'closed' | 'logged_out' | 'n/a';
export type AdminSection = 'overview' | 'conversations' | 'jobs';
/** Baileys' disconnect codes (DisconnectReason) the page puts in words; others point to the log. */
export type DisconnectCode = 401 | 403 | 408 | 411 | 428 | 440 | 500 | 503 | 515;
/** The job kinds (intake's and jira/jobs.ts's constants) the Jobs page puts in words. */
export type JobKind = 'wa.inbound' | 'wa.status' | 'slack.event' | 'bridge.notice' | 'jira.ensure' | 'jira.flush' | 'jira.sla' | 'jira.change';

/** The reasons a dead job is explained by (advice.ts maps error codes onto them). */
export type AdviceKey =
  | 'slackNotInChannel'
  | 'slackChannelNotFound'
  | 'slackIsArchived'
  | 'slackMissingScope'
  | 'slackToken'
  | 'slackThreadNotFound'
  | 'slackContent'
  | 'windowClosed'
  | 'undeliverable'
  | 'pairRateLimit'
  | 'throughput'
  | 'mediaDownload'
  | 'mediaRefused'
  | 'metaToken'
  | 'graphInvalid'
  | 'webNotConnected'
  | 'webSendFailed'
  | 'templatesUnsupported'
  | 'sendOutcomeUnknown'
  | 'jiraToken'
  | 'jiraForbidden'
  | 'jiraNotFound'
  | 'jiraBadRequest'
  | 'jiraUnavailable'
  | 'rateLimited'
  | 'timeout'
  | 'deadlineExceeded'
  | 'networkError'
  | 'workerStopped'
  | 'storeUnavailable'
  | 'mediaTooLarge'
  | 'serverError'
  | 'unknown';

export interface AdminTexts {
  /** The `lang` of every page and the locale of its dates and numbers. */
  lang: Locale;
  /** A moment as the pages show it, in UTC. */
  time(at: number): string;
  number(n: number): string;
  unknownTime: string;

  shell: {
    skip: string;
    brandTag: string;
    navLabel: string;
    sections: Record<AdminSection, string>;
    /** The browser tab of a console page. */
    title(page: string): string;
    timesUtc: string;
  };

  overview: {
    heading: string;
    lead: string;
    metaSeveral(count: number): string;
    metaOne(web: boolean): string;
    failuresHeading: string;
    /** Around the link to the Jobs page. */
    failuresNote: { before: string; link: string; after: string };
    noFailures: string;
    columns: { when: string; job: string; kind: string; conversation: string; attempts: string; reason: string };
    noReason: string;
    slackHeading: string;
    reachable: string;
    problem: string;
    supportChannel: string;
    jiraHeading: string;
    jiraOn: string;
    jiraOff: string;
    jiraConfigured: string;
    /** Where requests are raised: the site, service desk and request type. */
    jiraTarget(desk: JiraDesk): string;
    jiraNotConfigured: string;
    jiraOnNote: string;
    jiraOffNote: string;
    queueHeading: string;
    pending: string;
    running: string;
    dead: string;
    deadNote: string;
    noDeadNote: string;
    followsPairing: string;
    refreshesEvery(seconds: number): string;
    pacingHeading: string;
    readOnly: string;
    pacingShared: string;
    pacingLocal: string;
    slackRate: string;
    slackRateValue(perSecond: number, burst: number): string;
    slackHeld: string;
    heldUntil: string;
    graphHeld: string;
    graphHeldValue(count: number): string;
    none: string;
    jiraSyncHeading: string;
    jiraSyncNote: string;
    lastSuccess: string;
    noneYet: string;
    lastFailure: string;
    noFailure: string;
    jiraWaiting: string;
    orMore(limit: number): string;
    jiraFailing: string;
    jiraFailingTodo: string;
  };

  whatsapp: {
    states: Record<AdminState, { label: string; note: string }>;
    codeHeading: string;
    enterCode: string;
    codeExpires: string;
    noCode: string;
    phoneLabel: string;
    phoneHint: string;
    getCode: string;
    alreadyLinked: string;
    waitingForQr: string;
    linkHeading: string;
    loggedOut: string;
    loggedOutTodo: string;
    scanHeading: string;
    scanSteps: string[];
    notLinkedYet: string;
    cloudApi: string;
    viaWeb: string;
    viaCloud: string;
    /** The QR's accessible name; `route` with several routes. */
    qrLabel(route?: string): string;
    disconnects: Record<DisconnectCode, string>;
    detailHeading: string;
    state: string;
    since: string;
    reconnects: string;
    linkedDevice: string;
    yes: string;
    no: string;
    lastDisconnect: string;
    seeLog: string;
    noDisconnectCode: string;
    noDisconnect: string;
    keepsFailing: string;
    keepsFailingTodo: string;
    unlink(route?: string): string;
    unlinkNote: string;
  };

  jobs: {
    title: string;
    lead: string;
    kinds: Record<JobKind, string>;
    status: Record<'pending' | 'running' | 'done' | 'dead', string>;
    noneRecorded: string;
    job: string;
    kind: string;
    conversation: string;
    attempts: string;
    attemptsOf(attempts: number, max: number, crashes: number): string;
    gaveUp: string;
    runs: string;
    queued: string;
    heading(id: number): string;
    failed: string;
    retrying: string;
    retry: string;
    discard: string;
    /** After Retry or Discard, for screen readers: which job. */
    srJob(id: number): string;
    flashRetry(id: number): string;
    flashDiscard(id: number): string;
    deadHeading(count: number): string;
    deadNote: string;
    noDead: string;
    pendingHeading(count: number): string;
    pendingNote: string;
    noPending: string;
    showingFirst(limit: number): string;
    confirmRetryTitle(id: number): string;
    confirmRetryText: string;
    confirmRetryButton: string;
    confirmDiscardTitle(id: number): string;
    confirmDiscardText: string;
    confirmDiscardButton: string;
    cancel: string;
  };

  conversations: {
    title: string;
    titleMatching(query: string): string;
    lead: string;
    group: string;
    number: string;
    username: string;
    ticket: string;
    resolved: string;
    none: string;
    lastActivity: string;
    via: string;
    web: string;
    cloud: string;
    openThread: string;
    /** For screen readers, after openThread: whose. */
    srOf(name: string): string;
    noCard: string;
    searchLabel: string;
    search: string;
    showAll: string;
    matching(query: string): string;
    all: string;
    page(n: number): string;
    noMatch: string;
    noneYet: string;
    pages: string;
    previous: string;
    next: string;
  };

  unlink: {
    title(route?: string): string;
    lead(route?: string): string;
    heading: string;
    steps(route?: string): string[];
    confirm: string;
  };

  disabled: {
    title: string;
    heading: string;
    lead: string;
    enableHeading: string;
    steps: string[];
    note: string;
    foot: string;
  };

  /** Refused and impossible actions, and the pairing form's errors. */
  problems: {
    backToJobs: string;
    backToOverview: string;
    refused: string;
    crossSite: string;
    crossSitePlain: string;
    staleForm: string;
    noSuchJob: string;
    noJobNumbered: string;
    noJob(id: number): string;
    notDead(id: number): string;
    notDeadText(id: number, status: string): string;
    notUnlinked: string;
    unlinkFailed(reason: string): string;
    noSuchRoute: string;
    noRoute(name: string, known: string[]): string;
    notWebRoute: string;
    notWebRouteText(route: string): string;
    noCodeIssued(reason: string): string;
    phoneMissing: string;
    phoneDigits: string;
    phoneCountryCode: string;
    phoneLength(digits: number): string;
    phoneNotInPlan(number: string): string;
  };

  advice: Record<AdviceKey, { what: string; todo: string }>;

  /** What the page's script writes itself (given to it in data- attributes). */
  script: {
    offline: string;
    signedOut: string;
  };
}

const CATALOG = { en, 'pt-BR': ptBR } satisfies Record<Locale, AdminTexts>;

export function adminTexts(locale: Locale = 'en'): AdminTexts {
  return CATALOG[locale];
}

