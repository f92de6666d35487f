import type { JobSummary } from '../../store/outbox.js';
import type { WebConnectionDetail } from '../../whatsapp/web/socket.js';

/** What the operator page shows; the composition root assembles it from config, the outbox and the transport. */

export type WhatsAppState = 'connecting' | 'qr' | 'open' | 'closed' | 'logged_out' | 'n/a';

export interface AdminFailure {
  id: number;
  kind: string;
  lane: string;
  attempts: number;
  reason: string | null;
  at: number | null;
}

/** One route's WhatsApp number as the console sees it. */
export interface WhatsAppRouteStatus {
  /** The route's name (`default` without ROUTES_FILE). */
  route: string;
  transport: 'cloud' | 'web';
  /** `n/a` for a Cloud API number: there is nothing to pair. */
  state: WhatsAppState;
  /** The raw QR payload from Baileys: whoever has it can link a device, so it never leaves the server as text. */
  qr?: string;
  account?: string;
  /** WhatsApp Web only: why it is in its state. */
  detail?: WebConnectionDetail;
}

export interface AdminStatus {
  /** Every route's number, in the order of the routes (one, `default`, without ROUTES_FILE). */
  routes: WhatsAppRouteStatus[];
  slack: { channel: string; ok: boolean; detail?: string };
  jira: { enabled: boolean; target?: string; sync?: JiraSyncState; desk?: JiraDesk };
  pacing?: PacingState;
  queue: { pending: number; running: number; dead: number };
  failures: AdminFailure[];
  version: string;
}

/**
 * Where Jira requests are raised, for the page to word in LOCALE. status.json does not carry it:
 * it keeps `jira.target`, the same words in every locale.
 */
export interface JiraDesk {
  host: string;
  serviceDesk: string;
  requestType: string;
}

/** A route's number as the page and status.json see it: the QR already drawn as SVG. */
export type WhatsAppRouteView = Omit<WhatsAppRouteStatus, 'qr'> & { qrSvg?: string };

/**
 * The status as the page and status.json see it. `transport` and `whatsapp` are what status.json
 * said before routes, kept for its readers: the first WhatsApp Web session's (else the first route's).
 */
export interface AdminView extends Omit<AdminStatus, 'routes'> {
  transport: 'cloud' | 'web';
  whatsapp: Omit<WhatsAppRouteView, 'route' | 'transport'>;
  routes: WhatsAppRouteView[];
}

export interface PairingProvider {
  /** Asks WhatsApp for an 8-character code to type on the phone instead of scanning the QR. */
  requestPairingCode(phone: string): Promise<string>;
}

/** A WhatsApp Web session the console can pair and unlink. */
export interface AdminSession extends PairingProvider {
  /** Logs the device out and forgets the session; a new QR code follows. */
  unlink(): Promise<void>;
}

/** A route as the console can act on it: only a WhatsApp Web route has a session. */
export interface AdminRoute {
  name: string;
  session?: AdminSession;
}

/** Read-only: how the posts to Slack and WhatsApp are paced right now. */
export interface PacingState {
  /** Buckets shared with other instances through PostgreSQL, or this process's own. */
  shared: boolean;
  slack: { perSecond: number; burst: number };
  /** Slack channels held by a Retry-After, and until when. */
  slackPaused: Array<{ channel: string; until: number }>;
  /** Graph keys (business number, or number and recipient) held now: a count, as keys hold phone numbers. */
  graphPaused: number;
}

export interface JiraSyncState {
  /** Since this process started: Jira jobs' last successful and failed attempts. */
  lastSuccessAt?: number;
  lastFailureAt?: number;
  lastFailureCode?: string;
  /** Jira jobs waiting (at most `pendingLimit` are counted). */
  pending: number;
  pendingLimit: number;
}

/** The outbox as the console uses it; `find` tells an unknown job (404) from one in another state (409). */
export interface AdminJobs {
  listJobs(filter: { status: 'pending' | 'dead'; limit: number }): Promise<JobSummary[]>;
  retryDead(id: number): Promise<boolean>;
  discardDead(id: number): Promise<boolean>;
  find(id: number): Promise<JobSummary | undefined>;
  /** Wakes the worker after a retry, so the job runs now rather than at the next poll. */
  wake(): void;
}

/** The console lists conversations through the store port's directory. */
export type { ConversationDirectory, ConversationSummary } from '../../core/store/directory.js';

/** Links to a message in Slack, built without one API call per row. */
export interface SlackLinks {
  message(channel: string, ts: string): Promise<string>;
}
