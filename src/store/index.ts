export { createDeckStore, connectStore, applyEvents, initialState, selectActiveRuns, selectActiveAgentCount, FINISHED_RUN, RESTING_AGENT } from './store.js';
export type { DeckStore, Ingestion, IngestOptions } from './store.js';
export { hydrate, hydrateTables } from './hydrate.js';
export { startFollower, type Follower } from './follow.js';
export { Ring } from './ring.js';
export type * from './types.js';
export { activeAgentsText, agentViews, countsOf, runningRunCount } from './selectors.js';
