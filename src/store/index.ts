export { createDeckStore, connectStore, applyEvents, initialState, selectActiveRuns, selectActiveAgentCount } from './store.js';
export type { DeckStore, Ingestion, IngestOptions } from './store.js';
export { hydrate } from './hydrate.js';
export { Ring } from './ring.js';
export type * from './types.js';
