import type { Kysely } from 'kysely';
import type { Identifier, IdentifierKind, IdentityStore, KnownIdentifier } from '../core/store/identities.js';
import type { EnqueueResult, NewJob } from '../core/store/queue.js';
import { insertJobs, lookupIdentifiers, run, statementTexts } from './hot-sql.js';
import type { Database } from './schema.js';
import { createSqlIdentities } from './sql-identities.js';
import type { Dialect } from './sql-store.js';

/**
 * The transaction a batch of intake units shares (group commit). The units run at once, and what
 * they ask for in the same turn goes to the database as one statement: every unit's identifier
 * look-up as one SELECT, every unit's job as one multi-row INSERT. A batch of 32 webhooks then
 * costs a handful of round trips instead of 64 one after the other (on PostgreSQL each is a round
 * trip; on SQLite each a statement). Anything else (claiming a new identifier, a merge) runs as its
 * own statement in the same transaction.
 */
export interface IntakeTransaction {
  identities: IdentityStore;
  insertJob(job: NewJob, t: number, maxAttempts: number): Promise<EnqueueResult>;
}

interface Pending<I, O> {
  input: I;
  resolve(o: O): void;
  reject(err: unknown): void;
}

const texts = {
  sqlite: { lookup: statementTexts('sqlite', lookupIdentifiers), insert: statementTexts('sqlite', insertJobs) },
  postgres: { lookup: statementTexts('postgres', lookupIdentifiers), insert: statementTexts('postgres', insertJobs) },
};

const keyOf = (i: Identifier) => `${i.kind}\u0000${i.value}`;

export function createIntakeTransaction(trx: Kysely<Database>, dialect: Dialect): IntakeTransaction {
  const plain = createSqlIdentities(trx, dialect);
  const lookups: Array<Pending<readonly Identifier[], KnownIdentifier[]>> = [];
  const inserts: Array<Pending<{ job: NewJob & { dedupeKey: string }; t: number; maxAttempts: number }, EnqueueResult>> = [];
  let scheduled = false;

  async function lookUp(batch: typeof lookups): Promise<void> {
    const wanted = new Map<string, Identifier>();
    for (const p of batch) for (const i of p.input) wanted.set(keyOf(i), i);
    const ids = [...wanted.values()];
    const { rows } = await run<{ kind: IdentifierKind; value: string; chat_id: string }>(trx, texts[dialect].lookup(ids.length), ids.flatMap((w) => [w.kind, w.value]));
    const found = new Map(rows.map((r) => [keyOf({ kind: r.kind, value: r.value }), { kind: r.kind, value: r.value, chatId: r.chat_id }]));
    for (const p of batch) p.resolve(p.input.flatMap((i) => found.get(keyOf(i)) ?? []));
  }

  async function insert(batch: typeof inserts): Promise<void> {
    // A key twice in one statement: only its first job can be new.
    const first = new Map<string, (typeof inserts)[number]>();
    for (const p of batch) if (!first.has(p.input.job.dedupeKey)) first.set(p.input.job.dedupeKey, p);
    const rows = [...first.values()];
    const { rows: inserted } = await run<{ id: number | string; dedupe_key: string }>(
      trx,
      texts[dialect].insert(rows.length),
      rows.flatMap(({ input: { job, t, maxAttempts } }) => [job.kind, job.lane, JSON.stringify(job.payload ?? null), job.dedupeKey, job.maxAttempts ?? maxAttempts, job.runAt ?? t, t]),
    );
    const ids = new Map(inserted.map((r) => [r.dedupe_key, Number(r.id)]));
    for (const p of batch) {
      const id = first.get(p.input.job.dedupeKey) === p ? ids.get(p.input.job.dedupeKey) : undefined;
      p.resolve(id === undefined ? { inserted: false, id: null } : { inserted: true, id });
    }
  }

  function flush(): void {
    scheduled = false;
    for (const [batch, send] of [
      [lookups.splice(0), lookUp],
      [inserts.splice(0), insert],
    ] as const) {
      if (batch.length === 0) continue;
      (send as (b: typeof batch) => Promise<void>)(batch).catch((err: unknown) => {
        for (const p of batch) p.reject(err);
      });
    }
  }

  // After every unit of the batch has run up to its next request (their continuations are
  // microtasks; the flush waits for all of them, as DataLoader does).
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    void Promise.resolve().then(() => process.nextTick(flush));
  };
  const ask = <I, O>(queue: Array<Pending<I, O>>, input: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      schedule();
    });

  return {
    identities: { ...plain, lookup: (ids) => (ids.length === 0 ? Promise.resolve([]) : ask(lookups, ids)) },
    insertJob(job, t, maxAttempts) {
      const { dedupeKey } = job;
      // A job without a key cannot be told apart in a multi-row RETURNING: it goes alone.
      if (dedupeKey === undefined) return insertSingle(trx, dialect, job, t, maxAttempts);
      return ask(inserts, { job: { ...job, dedupeKey }, t, maxAttempts });
    },
  };
}

export async function insertSingle(db: Kysely<Database>, dialect: Dialect, job: NewJob, t: number, maxAttempts: number): Promise<EnqueueResult> {
  const { rows } = await run<{ id: number | string }>(db, texts[dialect].insert(1), [
    job.kind,
    job.lane,
    JSON.stringify(job.payload ?? null),
    job.dedupeKey ?? null,
    job.maxAttempts ?? maxAttempts,
    job.runAt ?? t,
    t,
  ]);
  const row = rows[0];
  return row ? { inserted: true, id: Number(row.id) } : { inserted: false, id: null };
}
