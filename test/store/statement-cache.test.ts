import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/dialects.js';

describe('the SQLite statement cache', () => {
  let db: BetterSqlite3.Database;
  afterEach(() => db?.close());

  it('compiles a statement once and runs it again with new parameters', () => {
    db = new BetterSqlite3(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    let compiled = 0;
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      compiled++;
      return prepare(sql);
    }) as typeof db.prepare;
    const cached = withStatementCache(db);
    for (const v of ['a', 'b', 'c']) cached.prepare('INSERT INTO t (v) VALUES (?)').run([v]);
    expect(cached.prepare('SELECT v FROM t ORDER BY id').all([])).toEqual([{ v: 'a' }, { v: 'b' }, { v: 'c' }]);
    expect(compiled).toBe(2);
  });

  it('keeps at most its bound, dropping the least recently used', () => {
    db = new BetterSqlite3(':memory:');
    const cached = withStatementCache(db, 2);
    const one = cached.prepare('SELECT 1');
    const two = cached.prepare('SELECT 2');
    expect(cached.prepare('SELECT 1')).toBe(one); // used again: now the most recent
    cached.prepare('SELECT 3'); // full: drops SELECT 2, the least recently used
    expect(cached.prepare('SELECT 1')).toBe(one);
    expect(cached.prepare('SELECT 2')).not.toBe(two); // compiled afresh
  });

  it('answers from the current schema after a migration changed a table it had compiled for', () => {
    db = new BetterSqlite3(':memory:');
    db.exec('CREATE TABLE t (a TEXT)');
    const cached = withStatementCache(db);
    cached.prepare('INSERT INTO t (a) VALUES (?)').run(['x']);
    expect(cached.prepare('SELECT * FROM t').all([])).toEqual([{ a: 'x' }]);
    db.exec("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'y'");
    expect(cached.prepare('SELECT * FROM t').all([])).toEqual([{ a: 'x', b: 'y' }]);
  });
});
