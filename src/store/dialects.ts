import type BetterSqlite3 from 'better-sqlite3';
import {
  PostgresDialect,
  PostgresDriver,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
} from 'kysely';
import type pg from 'pg';
import { describeStoreError } from './errors.js';

/*
 * Kysely rolls a failed transaction back and, when that rollback throws, reports the rollback's
 * error instead of the one that failed the transaction. Both dialects below keep the original.
 */

/**
 * SQLite rolls a transaction back by itself on SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM and some
 * SQLITE_BUSY; a second rollback then throws "cannot rollback - no transaction is active" and the
 * log would never say the disk is full. Roll back only what is still open.
 */
export class SqliteDialectKeepingTheCause extends SqliteDialect {
  constructor(private readonly database: BetterSqlite3.Database) {
    super({ database });
  }

  override createDriver(): Driver {
    const database = this.database;
    return new (class extends SqliteDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        if (database.inTransaction) await super.rollbackTransaction(connection);
      }
    })({ database: withStatementCache(database) });
  }
}

/** Statements kept compiled; the service runs a few dozen distinct ones, this bounds odd callers. */
const STATEMENT_CACHE_MAX = 512;

/**
 * Kysely prepares every query it runs, and better-sqlite3 compiles SQL on each prepare: under
 * webhook load that compiling was an eighth of the service's CPU (bench/intake.ts, `--cpu-prof`).
 * A compiled statement can be run again with new parameters, so keep them by their SQL text. Safe
 * because Kysely runs a statement to completion before the next query (nothing here streams rows
 * through `iterate`, which would hold a statement busy).
 */
export function withStatementCache(database: BetterSqlite3.Database, max = STATEMENT_CACHE_MAX): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        // Most recently used last, so the oldest is the one dropped.
        cache.delete(sql);
      } else {
        stmt = database.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/**
 * A connection that died mid-transaction takes the transaction with it (the server rolls it back);
 * its rollback fails with "not queryable", which says less than the error that ended it.
 */
export class PostgresDialectKeepingTheCause extends PostgresDialect {
  constructor(private readonly pool: pg.Pool) {
    super({ pool });
  }

  override createDriver(): Driver {
    return new (class extends PostgresDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        try {
          await super.rollbackTransaction(connection);
        } catch (err) {
          // A live connection never fails a ROLLBACK; a dead one is dropped by the pool on release.
          if (!describeStoreError(err)?.transient) throw err;
        }
      }
    })({ pool: withNamedStatements(this.pool) });
  }
}

/** Statement texts given a name; past this, the rest run unnamed (parsed each time, as before). */
const NAMED_STATEMENTS_MAX = 256;

/** `SELECT *`, `RETURNING *`, `t.*`: a result whose columns are whatever the table has now (a `*` that multiplies is not one). */
export function readsEveryColumn(text: string): boolean {
  return /\b(select|returning)\s+(distinct\s+)?\*|[\w"]\.\*|,\s*\*\s*(,|from\b)/i.test(text);
}

/**
 * PostgreSQL parses and plans an unnamed statement on every run; a named one is prepared once per
 * connection and then only bound and executed (node-postgres remembers which names each connection
 * has prepared). Under webhook load the parsing was a share of the server's CPU on every statement.
 * Texts that read every column with `*` stay unnamed: a prepared `SELECT *`/`RETURNING *` would fail ("cached plan must not
 * change result type") once a migration adds a column, and the service may outlive one another
 * instance runs. Explicit column lists are re-planned by the server on a schema change by themselves.
 */
export function withNamedStatements(pool: pg.Pool, max = NAMED_STATEMENTS_MAX): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < max && !readsEveryColumn(text)) {
      name = `sb_${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query: ((textOrCursor: unknown, values?: readonly unknown[]) => {
          if (typeof textOrCursor !== 'string') return client.query(textOrCursor as pg.Submittable);
          const name = nameOf(textOrCursor);
          return client.query(name ? { name, text: textOrCursor, values: values as unknown[] } : { text: textOrCursor, values: values as unknown[] });
        }) as unknown as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}
