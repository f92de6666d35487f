/**
 * Every column of a table, by name, for statements that read whole rows. On PostgreSQL a statement
 * that names its columns is prepared once per connection and re-planned by the server when the
 * schema changes; `SELECT *`/`RETURNING *` is left unprepared (dialects.ts), so it was parsed and
 * planned on every run, and the contact, conversation and message reads run for every message.
 * The record form makes the list complete: a column added to the table's type is a compile error
 * here until it is listed.
 */
export function columnsOf<T>(columns: { readonly [K in keyof T]-?: true }): ReadonlyArray<keyof T & string> {
  return Object.keys(columns) as Array<keyof T & string>;
}
