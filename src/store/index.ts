export { createDeckStore, connectStore, applyEvents, initialState, selectActiveRuns, selectActiveAgentCount, FINISHED_RUN, RESTING_AGENT } from './store.js';
export type { DeckStore, Ingestion, IngestOptions } from './store.js';
export { hydrate } from './hydrate.js';
export { Ring } from './ring.js';
export type * from './types.js';
export { activeAgentsText, agentViews, countsOf, runningRunCount } from './selectors.js';
