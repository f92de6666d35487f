export type { ContactRecord, ContactStore, EffectLog, MessageLink, MessageMap, TicketStore } from '../ports.js';
export type * from './auth-storage.js';
export type * from './conversation-states.js';
export * from './directory.js';
export type * from './identities.js';
export type * from './intake.js';
export * from './queue.js';
export * from './rate-buckets.js';
export type * from './store.js';
