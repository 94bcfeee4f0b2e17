// What each agent is doing, from the runs alone: the one definition the dashboard's header and
// agents pane, its quit dialog and the `status` command all count with, so their numbers agree
// (and agree across processes, since runs are what every process shares through the state db).
import { AGENT_KINDS, type AgentKind } from '../commands/types.js';

/** Runs in flight: an agent of such a run is working. */
export const WORKING_RUN: ReadonlySet<string> = new Set(['queued', 'running', 'cancelling', 'interrupting']);
/** A run waiting for a person keeps its agent busy, but not working. */
export const WAITING_RUN: ReadonlySet<string> = new Set(['waiting_approval']);

export type AgentActivity = 'working' | 'waiting' | 'idle';

export interface RunLike {
  readonly agent?: string | null;
  readonly status: string;
}

export interface AgentCounts {
  readonly byAgent: Readonly<Record<AgentKind, { readonly state: AgentActivity; readonly runs: number }>>;
  /** Agents working or waiting. */
  readonly active: number;
  /** Every agent listed (the orchestrator too). */
  readonly total: number;
  /** Runs in flight, not counting those waiting for a person. */
  readonly workingRuns: number;
}

export function agentCounts(runs: readonly RunLike[]): AgentCounts {
  const byAgent = Object.fromEntries(AGENT_KINDS.map((k) => [k, { state: 'idle' as AgentActivity, runs: 0 }])) as Record<AgentKind, { state: AgentActivity; runs: number }>;
  let workingRuns = 0;
  for (const r of runs) {
    const working = WORKING_RUN.has(r.status);
    if (working) workingRuns++;
    if (!working && !WAITING_RUN.has(r.status)) continue;
    const kind = (r.agent ?? 'orchestrator') as AgentKind;
    const slot = byAgent[kind] ?? byAgent.orchestrator;
    slot.runs++;
    if (working) slot.state = 'working';
    else if (slot.state === 'idle') slot.state = 'waiting';
  }
  const active = AGENT_KINDS.filter((k) => byAgent[k].state !== 'idle').length;
  return { byAgent, active, total: AGENT_KINDS.length, workingRuns };
}
