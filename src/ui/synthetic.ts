// A synthetic event stream for the dashboard bench (bench/dashboard.bench.ts). Hidden hook:
//   AGENTDECK_SYNTHETIC_EVENTS=5000     emit 5,000 log events per second into the bus
//   AGENTDECK_SYNTHETIC_TOTAL=1000000   stop after this many events (default: never)
// The events go through the real bus (redaction, batched append to the state db) and the real
// store ingestion, exactly like agents' events.
import { AGENT_KINDS } from '../commands/types.js';
import type { EventBus } from '../services/events/bus.js';
import type { Level } from '../services/events/types.js';

const LEVELS: readonly Level[] = ['info', 'info', 'info', 'success', 'debug', 'warn', 'error'];
const TICK_MS = 10;

export interface SyntheticOptions {
  readonly perSecond: number;
  readonly total?: number;
  /** Called once when `total` events were emitted. */
  readonly onDone?: (emitted: number) => void;
}

export function startSynthetic(bus: EventBus, options: SyntheticOptions): () => void {
  const perTick = options.perSecond / (1000 / TICK_MS);
  const total = options.total ?? Number.POSITIVE_INFINITY;
  const started = Date.now();
  let emitted = 0;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    // Catch up to the wall clock, so a slow tick does not lower the rate.
    const due = Math.min(total, Math.floor(((Date.now() - started) / TICK_MS + 1) * perTick));
    while (emitted < due) {
      const agent = AGENT_KINDS[emitted % AGENT_KINDS.length] ?? 'orchestrator';
      bus.emit({ agent, kind: 'log', level: LEVELS[emitted % LEVELS.length] ?? 'info', message: `synthetic event ${emitted + 1} from ${agent}` });
      emitted++;
    }
    if (emitted >= total) {
      stopped = true;
      clearInterval(timer);
      options.onDone?.(emitted);
    }
  };
  const timer = setInterval(tick, TICK_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** Reads the hidden env hook; null when it is not set or not a positive number. */
export function syntheticFromEnv(env: NodeJS.ProcessEnv): SyntheticOptions | null {
  const rate = Number(env.AGENTDECK_SYNTHETIC_EVENTS);
  if (!Number.isFinite(rate) || rate <= 0) return null;
  const total = Number(env.AGENTDECK_SYNTHETIC_TOTAL);
  return { perSecond: rate, total: Number.isFinite(total) && total > 0 ? total : undefined };
}
