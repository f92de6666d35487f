import type { ClientSession, Collection, Db, MongoServerError } from 'mongodb';
import type { JobRecord } from '../job-record.js';
import type { IdentifierKind } from '../../core/store/identities.js';

/**
 * Switchboard's collections, all under one prefix: the database may be shared with other tools
 * (WhatsAppInSlack's own `userThreads` lives next to them, read but never written).
 */
export const PREFIX = 'switchboard.';

/** A job record (src/store/job-record.ts) under its id as `_id`; a null dedupe key is outside the unique partial index. */
export type JobDoc = Omit<JobRecord, 'id'> & { _id: number };

export const jobDoc = ({ id, ...rest }: JobRecord): JobDoc => ({ _id: id, ...rest });
export const jobRecord = ({ _id, ...rest }: JobDoc): JobRecord => ({ id: _id, ...rest });

export interface ContactDoc {
  _id: string;
  /** Absent on contacts from before routes: the implicit `default` route. */
  route?: string;
  transport: string;
  waId: string;
  phone: string;
  isGroup: boolean;
  name?: string;
  username?: string;
  bsuid?: string;
  businessNumber?: string;
  photoUrl?: string;
  lastInboundAt?: number;
  slackChannel: string | null;
  cardTs: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface IdentifierDoc {
  kind: IdentifierKind;
  value: string;
  chatId: string;
  createdAt: number;
}

export interface MessageDoc {
  _id: string;
  chatId: string;
  direction: 'in' | 'out';
  slackChannel: string;
  slackTs: string;
  excerpt: string | null;
  status: string | null;
  statusAt: number | null;
  statusError: string | null;
  createdAt: number;
}

export interface StatusDoc {
  _id: string;
  waMessageId: string;
  status: string;
  at: number;
  recipient: string | null;
  errors: string | null;
}

export interface EffectDoc {
  _id: string;
  value: string;
  createdAt: number;
}

export interface TicketDoc {
  _id: string;
  chatId: string;
  issueId: string;
  status: string;
  done: boolean;
  url: string;
  /** SlaState[] as JSON, as last read from Jira. */
  sla: string;
  slaWarned: string[];
  slaCheckedAt: number;
  createdAt: number;
  closedAt: number | null;
}

export interface JiraLineDoc {
  _id: number;
  chatId: string;
  sourceKey: string;
  body: string;
  isPublic: boolean;
  createdAt: number;
  batchId: number | null;
}

export interface JiraBatchDoc {
  _id: number;
  chatId: string;
  ticketKey: string;
  isPublic: boolean;
  body: string;
  lineIds: number[];
  /** False until every line is marked as the batch's: a batch never handed out, so never posted. */
  ready: boolean;
  createdAt: number;
  postedAt: number | null;
  commentId: string | null;
}

export interface BucketDoc {
  _id: string;
  tat: number;
  pausedUntil: number;
  updatedAt: number;
}

export interface AuthDoc {
  _id: string;
  value: string;
  updatedAt: number;
}

export interface CounterDoc {
  _id: string;
  seq: number;
}

export interface SchemaDoc {
  _id: number;
  name: string;
  appliedAt: number;
}

export interface Collections {
  db: Db;
  jobs: Collection<JobDoc>;
  contacts: Collection<ContactDoc>;
  identifiers: Collection<IdentifierDoc>;
  messages: Collection<MessageDoc>;
  statuses: Collection<StatusDoc>;
  effects: Collection<EffectDoc>;
  tickets: Collection<TicketDoc>;
  jiraLines: Collection<JiraLineDoc>;
  jiraBatches: Collection<JiraBatchDoc>;
  buckets: Collection<BucketDoc>;
  auth: Collection<AuthDoc>;
  counters: Collection<CounterDoc>;
  schema: Collection<SchemaDoc>;
}

export function collections(db: Db): Collections {
  const c = <T extends object>(name: string) => db.collection<T>(`${PREFIX}${name}`);
  return {
    db,
    jobs: c<JobDoc>('jobs'),
    contacts: c<ContactDoc>('contacts'),
    identifiers: c<IdentifierDoc>('identifiers'),
    messages: c<MessageDoc>('messages'),
    statuses: c<StatusDoc>('message_statuses'),
    effects: c<EffectDoc>('effects'),
    tickets: c<TicketDoc>('tickets'),
    jiraLines: c<JiraLineDoc>('jira_lines'),
    jiraBatches: c<JiraBatchDoc>('jira_batches'),
    buckets: c<BucketDoc>('rate_buckets'),
    auth: c<AuthDoc>('wa_auth'),
    counters: c<CounterDoc>('counters'),
    schema: c<SchemaDoc>('schema_versions'),
  };
}

/** A session to pass along, when the caller runs in a transaction. */
export type Session = { session?: ClientSession };

/** E11000 on the given index key (any unique index when none is named). */
export function isDuplicateKey(err: unknown, field?: string): err is MongoServerError {
  const e = err as { code?: unknown; keyPattern?: Record<string, unknown> } | null;
  if (e?.code !== 11000) return false;
  return field === undefined || e.keyPattern === undefined || field in e.keyPattern;
}

/** The next number of a sequence (job ids, Jira lines, batches): one atomic increment on its counter. */
export async function nextId(cols: Collections, name: string, opts: Session = {}): Promise<number> {
  const doc = await cols.counters.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', ...opts });
  return doc!.seq;
}
