// The dashboard's store: a zustand vanilla store (no React here). Events from the bus go into
// ring buffers and a pending list; a timer applies them in ONE store update about every
// 100 ms, never per event (one update per event collapses at ~1,000 lines/s).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { AGENT_KINDS, type AgentKind } from '../commands/types.js';
import type { EventBus } from '../services/events/bus.js';
import type { AgentPayload, ApprovalPayload, DeploymentPayload, HealthPayload, RunPayload, StepPayload, TicketPayload } from '../services/events/payloads.js';
import type { AgentEvent } from '../services/events/types.js';
import { Ring } from './ring.js';
import type { ActivityItem, AgentView, ApprovalView, DeckState, LogLine, RunView, TicketView } from './types.js';

export type DeckStore = StoreApi<DeckState>;

/** Run statuses that are over; everything else is in flight or waiting. */
export const FINISHED_RUN: ReadonlySet<string> = new Set(['done', 'failed', 'cancelled', 'needs_model', 'needs_manual', 'not_available', 'incomplete', 'interrupted']);
/** An event as a log line of the store. */
export function toLogLine(e: Pick<AgentEvent, 'id' | 'ts' | 'agent' | 'level' | 'message' | 'runId' | 'ticketId'>): LogLine {
  return { id: e.id, ts: e.ts, agent: e.agent, level: e.level, message: e.message, runId: e.runId, ticketId: e.ticketId };
}

/** Agent states that count as not active: an instance that ended, however its run ended, rests. */
export const RESTING_AGENT: ReadonlySet<string> = new Set(['idle', 'done', 'stopped', 'failed']);
const OPEN_APPROVAL = 'pending';

export function idleAgents(now = Date.now()): Record<AgentKind, AgentView> {
  return Object.fromEntries(AGENT_KINDS.map((kind) => [kind, { kind, state: 'idle', since: now }])) as Record<AgentKind, AgentView>;
}

export function initialState(): DeckState {
  return {
    agents: idleAgents(),
    runs: [],
    tickets: [],
    approvals: [],
    logs: [],
    logTotal: 0,
    activity: [],
    health: null,
    lastDeployment: null,
    version: 0,
  };
}

export function createDeckStore(init: Partial<DeckState> = {}): DeckStore {
  return createStore<DeckState>()(() => ({ ...initialState(), ...init }));
}

export interface IngestOptions {
  readonly flushMs?: number;
  readonly logCapacity?: number;
  readonly activityCapacity?: number;
  readonly maxRuns?: number;
}

export interface Ingestion {
  /** Applies what is pending now (tests, shutdown). */
  flush(): void;
  /** Takes events that did not pass this process's bus (read from the db), as the bus's are taken. */
  ingest(events: readonly AgentEvent[]): void;
  stop(): void;
}

/** Feeds the store from the bus through ring buffers flushed on a timer. */
export function connectStore(store: DeckStore, bus: EventBus, options: IngestOptions = {}): Ingestion {
  const flushMs = options.flushMs ?? 100;
  const logs = new Ring<LogLine>(options.logCapacity ?? 5000);
  const activity = new Ring<ActivityItem>(options.activityCapacity ?? 50);
  for (const l of store.getState().logs) logs.push(l);
  for (const a of store.getState().activity) activity.push(a);
  const baseTotal = store.getState().logTotal - logs.total;
  // State events are few; they are applied in order at flush time.
  let stateEvents: AgentEvent[] = [];
  let dirty = false;
  // The arrays handed to the store are copied only when their ring changed, so a pane that
  // memoises on them skips frames in which nothing new arrived for it.
  const view = { logs: store.getState().logs, logsSeen: logs.total, activity: store.getState().activity, activitySeen: activity.total };

  const take = (e: AgentEvent): void => {
    // Every event that says something is a log line; state events also change the panes.
    if (e.message) {
      logs.push(toLogLine(e));
    }
    if (isActivity(e)) activity.push({ ts: e.ts, level: e.level, text: activityText(e) });
    if (e.kind !== 'log' && e.kind !== 'output') stateEvents.push(e);
    dirty = true;
  };
  const unsubscribe = bus.subscribe(take);

  const flush = (): void => {
    if (!dirty) return;
    dirty = false;
    const events = stateEvents;
    stateEvents = [];
    if (logs.total !== view.logsSeen) {
      view.logsSeen = logs.total;
      view.logs = logs.toArray();
    }
    if (activity.total !== view.activitySeen) {
      view.activitySeen = activity.total;
      view.activity = activity.toArray().reverse();
    }
    store.setState((s) => applyEvents({ ...s, logs: view.logs, logTotal: baseTotal + logs.total, activity: view.activity, version: s.version + 1 }, events, options.maxRuns ?? 200));
  };

  const timer = setInterval(flush, flushMs);
  timer.unref();
  return {
    flush,
    ingest(events) {
      for (const e of events) take(e);
    },
    stop() {
      clearInterval(timer);
      unsubscribe();
      flush();
    },
  };
}

/** Whether an event belongs in Recent activity (live, and when loaded from history). */
export function isActivity(e: AgentEvent): boolean {
  return e.kind !== 'output' && e.kind !== 'progress' && (e.level === 'success' || e.level === 'warn' || e.level === 'error');
}

export function activityText(e: AgentEvent): string {
  return e.ticketId && !e.message.includes(e.ticketId) ? `${e.ticketId}: ${e.message}` : e.message;
}

/** Applies state-changing events to a state (pure; exported for tests and replay). */
export function applyEvents(state: DeckState, events: readonly AgentEvent[], maxRuns = 200): DeckState {
  if (events.length === 0) return state;
  let agents = state.agents;
  let runs = state.runs;
  let tickets = state.tickets;
  let approvals = state.approvals;
  let health = state.health;
  let lastDeployment = state.lastDeployment;
  for (const e of events) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    switch (e.kind) {
      case 'ticket': {
        const t = (d as unknown as Partial<TicketPayload>).ticket;
        if (t?.id) tickets = upsert(tickets, { ...t, updatedAt: e.ts } as TicketView);
        break;
      }
      case 'run': {
        const r = (d as unknown as Partial<RunPayload>).run;
        if (r?.id) runs = upsert(runs, { ...r, updatedAt: e.ts } as RunView).slice(0, maxRuns);
        break;
      }
      case 'step': {
        const st = (d as unknown as Partial<StepPayload>).step;
        if (st?.runId) {
          const run = runs.find((r) => r.id === st.runId);
          if (run) runs = upsert(runs, { ...run, phase: st.phase, waitingFor: st.waitingFor ?? null, updatedAt: e.ts });
        }
        break;
      }
      case 'agent': {
        const a = d as unknown as Partial<AgentPayload>;
        if (a.state) {
          const ended = RESTING_AGENT.has(a.state);
          const view: AgentView = {
            kind: e.agent,
            state: ended ? 'idle' : a.state,
            last: ended ? (a.outcome ?? (a.state === 'failed' ? 'failed' : null)) : null,
            instance: a.instance,
            runId: a.runId ?? e.runId ?? null,
            step: a.step ?? null,
            phase: a.phase ?? null,
            waitingFor: a.waitingFor ?? null,
            since: e.ts,
          };
          agents = { ...agents, [e.agent]: view };
        }
        break;
      }
      case 'approval': {
        const ap = (d as unknown as Partial<ApprovalPayload>).approval;
        if (ap?.id) {
          approvals = ap.status === OPEN_APPROVAL ? upsert(approvals, ap as ApprovalView) : approvals.filter((x) => x.id !== ap.id);
        }
        break;
      }
      case 'deployment': {
        const dep = (d as unknown as Partial<DeploymentPayload>).deployment;
        if (dep?.id) lastDeployment = { ...dep, ts: dep.ts ?? e.ts };
        break;
      }
      case 'health': {
        const checks = (d as unknown as Partial<HealthPayload>).checks;
        if (checks) health = checks;
        break;
      }
      default:
        break;
    }
  }
  return { ...state, agents, runs, tickets, approvals, health, lastDeployment };
}

function upsert<T extends { id: string }>(list: readonly T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i === -1) return [item, ...list];
  const merged = { ...list[i], ...item } as T;
  return [merged, ...list.slice(0, i), ...list.slice(i + 1)];
}

export const selectActiveRuns = (s: DeckState): RunView[] => s.runs.filter((r) => !FINISHED_RUN.has(r.status));
export const selectActiveAgentCount = (s: DeckState): number =>
  Object.values(s.agents).filter((a) => !RESTING_AGENT.has(a.state)).length;
