import { describe } from 'vitest';
import { agentStartCases } from './agent-start.js';
import { authCases } from './auth.js';
import { bucketCases } from './buckets.js';
import { consoleJobCases } from './console-jobs.js';
import { conversationStateCases } from './conversation-states.js';
import { directoryCases } from './directory.js';
import { useContractStore, type ContractOpener, type ContractOptions } from './context.js';
import { intakeCases } from './intake.js';
import { multiInstanceCases } from './multi-instance.js';
import { queueCases } from './queue.js';
import { recordCases } from './records.js';
import { ticketCases } from './tickets.js';

export type { ContractDatabase, ContractOpener, ContractOptions } from './context.js';

/**
 * The store contract: one suite on the Store port (src/core/store/), run on every store. Call it
 * from a store's test file at the top level:
 *
 *   describeStoreContract('mongodb', async ({ clock }) => {
 *     const url = await freshDatabaseUrl();
 *     return {
 *       store: await openMongoStore(url, { clock }),
 *       another: () => openMongoStore(url, { clock }),
 *       drop: () => dropDatabase(url),
 *     };
 *   }, { multiInstance: true, transactionalIntake: false });
 *
 * `open` gets the suite's clock (stamp records with it: OpenStoreOptions.clock) and returns a fresh
 * empty database, not yet migrated; see ContractDatabase and ContractOptions for the rest.
 */
export function describeStoreContract(name: string, open: ContractOpener, options: ContractOptions = {}): void {
  describe(`store contract on ${name}`, () => {
    const ctx = useContractStore(open, options);
    describe('queue', () => queueCases(ctx));
    describe('operator console', () => {
      consoleJobCases(ctx);
      directoryCases(ctx);
    });
    describe('intake', () => intakeCases(ctx));
    describe('records', () => recordCases(ctx));
    describe('tickets', () => ticketCases(ctx));
    describe('WhatsApp Web auth state', () => authCases(ctx));
    describe('rate buckets', () => bucketCases(ctx));
    describe('card conversation states and agent actions', () => conversationStateCases(ctx));
    describe('saved replies and conversation starts', () => agentStartCases(ctx));
    if (ctx.options.multiInstance) describe('several instances', () => multiInstanceCases(ctx));
  });
}
