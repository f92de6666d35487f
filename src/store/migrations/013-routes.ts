import type { Migration } from './index.js';

/**
 * Routes (issue 13): every conversation belongs to the route of the number it was written to.
 * Rows from before routes existed are the implicit single route's, `default`.
 */
export const routes: Migration = {
  version: 13,
  name: 'route of each conversation',
  async up(db) {
    await db.schema.alterTable('contacts').addColumn('route', 'text', (c) => c.notNull().defaultTo('default')).execute();
  },
};
