// Agent instances: one per run and agent kind (`bughunter-1`), a lifecycle reported as `agent`
// events, and a concurrency limit per kind; a run over the limit waits for a free slot.
import type { AgentKind } from '../../commands/types.js';
import { AGENT_NAMES } from '../../commands/types.js';
import type { EventBus } from '../../services/events/bus.js';
import type { AgentPayload, AgentState } from '../../services/events/payloads.js';

export interface AgentInstance {
  readonly id: string;
  readonly kind: AgentKind;
  readonly runId: string | null;
  state: AgentState;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface AgentPool {
  /** Spins up an instance for a run, waiting while the kind is at its limit (unless `nested`: its caller holds a slot). */
  start(kind: AgentKind, runId: string | null, signal: AbortSignal, nested?: boolean): Promise<AgentInstance>;
  /** Reports a new state of an instance (working, waiting for a lock or an approval...). */
  set(instance: AgentInstance, state: AgentState, extra?: Partial<AgentPayload>): void;
  /** Ends an instance and frees its slot; `outcome` is how its run ended. */
  stop(instance: AgentInstance, state: 'done' | 'failed' | 'stopped', outcome?: string): void;
  active(): readonly AgentInstance[];
  setLimits(limits: Partial<Record<AgentKind, number>>): void;
  limit(kind: AgentKind): number;
  /** Forgets instance numbering (after `agents restart all`). */
  reset(): void;
}

export function createAgentPool(bus: EventBus, limits: Partial<Record<AgentKind, number>> = {}): AgentPool {
  let max: Partial<Record<AgentKind, number>> = { ...limits };
  const counters = new Map<AgentKind, number>();
  const running = new Map<string, AgentInstance>();
  const queues = new Map<AgentKind, Waiter[]>();

  const busy = (kind: AgentKind): number => [...running.values()].filter((i) => i.kind === kind).length;
  const limitOf = (kind: AgentKind): number => max[kind] ?? Number.POSITIVE_INFINITY;

  const report = (i: AgentInstance, extra: Partial<AgentPayload> = {}, message?: string): void => {
    const payload: AgentPayload = { instance: i.id, state: i.state, runId: i.runId, ...extra };
    bus.emit({
      agent: i.kind,
      instance: i.id,
      runId: i.runId ?? undefined,
      kind: 'agent',
      level: i.state === 'failed' ? 'error' : 'debug',
      message: message ?? `${i.id} ${i.state.replace('_', ' ')}${i.state === 'stopped' && extra.outcome ? ` (${extra.outcome.replace('_', ' ')})` : ''}`,
      data: { ...payload },
    });
  };

  const wake = (kind: AgentKind): void => {
    const q = queues.get(kind);
    while (q && q.length > 0 && busy(kind) < limitOf(kind)) q.shift()?.resolve();
  };

  const pool: AgentPool = {
    async start(kind, runId, signal, nested = false) {
      if (!nested && busy(kind) >= limitOf(kind)) {
        bus.emit({
          agent: kind,
          runId: runId ?? undefined,
          kind: 'log',
          level: 'info',
          message: `Waiting for a free ${AGENT_NAMES[kind]} (limit ${limitOf(kind)})`,
        });
        while (busy(kind) >= limitOf(kind)) {
          await new Promise<void>((resolve, reject) => {
            const q = queues.get(kind) ?? [];
            queues.set(kind, q);
            const waiter: Waiter = {
              resolve: () => {
                signal.removeEventListener('abort', onAbort);
                resolve();
              },
              reject,
            };
            const onAbort = (): void => {
              const at = q.indexOf(waiter);
              if (at >= 0) q.splice(at, 1);
              reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
            };
            if (signal.aborted) return onAbort();
            signal.addEventListener('abort', onAbort, { once: true });
            q.push(waiter);
          });
        }
      }
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      const instance: AgentInstance = { id: `${kind}-${n}`, kind, runId, state: 'starting' };
      running.set(instance.id, instance);
      report(instance, {}, `${AGENT_NAMES[kind]} spun up (${instance.id})`);
      return instance;
    },
    set(instance, state, extra) {
      if (instance.state === state && !extra) return;
      instance.state = state;
      report(instance, extra);
    },
    stop(instance, state, outcome) {
      if (!running.delete(instance.id)) return;
      instance.state = state;
      report(instance, outcome ? { outcome } : {});
      wake(instance.kind);
    },
    active: () => [...running.values()],
    setLimits(limits) {
      max = { ...limits };
      for (const kind of queues.keys()) wake(kind);
    },
    limit: limitOf,
    reset() {
      counters.clear();
    },
  };
  return pool;
}
