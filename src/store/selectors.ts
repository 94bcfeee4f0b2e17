// The dashboard's numbers, each from one function, so the header, the panes and the quit dialog
// agree with each other and with `status` (which counts with the same agentCounts over the runs
// in the state db).
import { AGENT_KINDS } from '../commands/types.js';
import { agentCounts, type AgentCounts } from '../agents/activity.js';
import { RESTING_AGENT } from './store.js';
import type { AgentView, DeckState } from './types.js';

let memo: { runs: DeckState['runs']; counts: AgentCounts } | null = null;

/** Agent activity from the runs the store holds (memoised on the runs array). */
export function countsOf(s: DeckState): AgentCounts {
  if (memo?.runs !== s.runs) memo = { runs: s.runs, counts: agentCounts(s.runs) };
  return memo.counts;
}

/**
 * Each agent as the panes show it: its live instance when one runs in this process, else what
 * its runs say (a run started by another process, or waiting for an approval), else idle.
 */
export function agentViews(s: DeckState): AgentView[] {
  const counts = countsOf(s).byAgent;
  return AGENT_KINDS.map((k) => {
    const live = s.agents[k];
    if (!RESTING_AGENT.has(live.state)) return live;
    const c = counts[k];
    if (c.state === 'working') return { ...live, state: 'working', last: null };
    if (c.state === 'waiting') return { ...live, state: 'waiting_approval', last: null };
    return live;
  });
}

/** `active/total` agents, for the header. */
export function activeAgentsText(s: DeckState): string {
  const views = agentViews(s);
  return `${views.filter((v) => !RESTING_AGENT.has(v.state)).length}/${views.length}`;
}

/** Runs in flight that quitting would interrupt (a run waiting for a person is not lost). */
export function runningRunCount(s: DeckState): number {
  return countsOf(s).workingRuns;
}
