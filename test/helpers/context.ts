// A real CommandContext for handler tests: a temp project directory with a real state db, the
// real event bus and the real orchestrator engine. `events` collects everything emitted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentKind } from '../../src/commands/types.js';
import { createEngine, type Engine, type EngineConfig, type EngineOptions } from '../../src/agents/orchestrator/engine.js';
import type { AgentRuntime } from '../../src/agents/runtime/types.js';
import type { CommandContext } from '../../src/agents/types.js';
import { createBus, type EventBus } from '../../src/services/events/bus.js';
import { formatEvent } from '../../src/services/events/format.js';
import type { AgentEvent } from '../../src/services/events/types.js';
import { openState, type StateDb } from '../../src/services/state/db.js';

export interface MakeContextOptions {
  /** The agent the context speaks as (default orchestrator). */
  readonly agent?: AgentKind;
  /** An existing project directory; default a fresh temp dir (removed by cleanup). */
  readonly root?: string;
  readonly initiator?: string;
  /** Open a durable run for the context (default true). */
  readonly run?: boolean;
  readonly ticketId?: string | null;
  readonly config?: EngineConfig;
  readonly runtime?: AgentRuntime;
  /** Secret values the bus redacts. */
  readonly secrets?: readonly string[];
  readonly signal?: AbortSignal;
  /** Retry backoff base in ms (default 1, so retries do not slow tests). */
  readonly retryBaseMs?: number;
  /** Extra commands and handlers the engine knows (test commands). */
  readonly extra?: EngineOptions['extra'];
  /** How long a run waits for a held lock (ms; default the engine's). */
  readonly lockTimeoutMs?: number;
}

export interface TestContext {
  readonly ctx: CommandContext;
  readonly root: string;
  readonly state: StateDb;
  readonly bus: EventBus;
  readonly engine: Engine;
  /** Every event emitted so far, in order. */
  readonly events: AgentEvent[];
  /** The events as the user's log lines: `[BUGHUNTER] ✓ ...`. */
  lines(): string[];
  cleanup(): void;
}

export function makeContext(options: MakeContextOptions = {}): TestContext {
  const owned = options.root === undefined;
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'agentdeck-ctx-'));
  const state = openState(root);
  const bus = createBus({ state, secrets: options.secrets ?? [] });
  const events: AgentEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const engine = createEngine({ root, state, bus, config: options.config, runtime: options.runtime, retryBaseMs: options.retryBaseMs ?? 1, approvalCheckMs: 0, extra: options.extra, lockTimeoutMs: options.lockTimeoutMs });
  const ctx = engine.context({ agent: options.agent ?? 'orchestrator', initiator: options.initiator, run: options.run, ticketId: options.ticketId, signal: options.signal });
  return {
    ctx,
    root,
    state,
    bus,
    engine,
    events,
    lines: () => events.filter((e) => e.kind === 'log' || e.level !== 'debug').map(formatEvent),
    cleanup() {
      engine.close();
      bus.close();
      state.close();
      if (owned) rmSync(root, { recursive: true, force: true });
    },
  };
}
