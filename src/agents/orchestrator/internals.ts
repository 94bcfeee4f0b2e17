// What the engine shares with the parts it is made of (run execution, run commands, model
// access). Handlers reach it through their context with `engineOf(ctx)`.
import type { AgentKind } from '../../commands/types.js';
import type { EventBus } from '../../services/events/bus.js';
import type { AuditEntry } from '../../services/state/audit.js';
import type { StateDb } from '../../services/state/db.js';
import type { AgentRuntime } from '../runtime/types.js';
import type { CommandContext, CommandResult } from '../types.js';
import type { AgentPool } from './agent-pool.js';
import type { ApprovalPolicy } from './policy.js';

/** The engine's settings; a ProjectConfig fits. */
export interface EngineConfig {
  readonly approvals?: { readonly policy?: Partial<ApprovalPolicy>; readonly ttlMinutes?: number };
  readonly agents?: { readonly concurrency?: Partial<Record<AgentKind, number>> };
}

export interface DispatchOptions {
  readonly initiator: string;
  readonly signal?: AbortSignal;
}

export interface EngineInternals {
  readonly root: string;
  readonly state: StateDb;
  readonly bus: EventBus;
  readonly pool: AgentPool;
  runtime: AgentRuntime;
  policy: ApprovalPolicy;
  ttlMinutes: number;
  /** Base delay of retry backoff (ms); doubles per attempt. */
  readonly retryBaseMs: number;
  /** How long a run waits for one held lock before it gives up (ms). */
  readonly lockTimeoutMs: number;
  audit(entry: AuditEntry): void;
  resume(runId: string, options: DispatchOptions): Promise<CommandResult>;
  dispatch(line: string, options: DispatchOptions): Promise<CommandResult>;
  /** Runs executing in this process. */
  localRuns(): string[];
  /** Whether a run was asked to stop (here or by another process). */
  stopRequested(runId: string): boolean;
  /** Stops a run at its next safe point, here or in the process that owns it. */
  stop(runId: string, how: 'cancelled' | 'interrupted', reason: string): 'stopping' | 'stopped' | 'not_active';
  reloadConfig(config: EngineConfig): void;
}

const owners = new WeakMap<CommandContext, EngineInternals>();

export function bindContext(ctx: CommandContext, engine: EngineInternals): CommandContext {
  owners.set(ctx, engine);
  return ctx;
}

/** The engine a context belongs to (for the run commands and model access). */
export function engineOf(ctx: CommandContext): EngineInternals {
  const engine = owners.get(ctx);
  if (!engine) throw new Error('this context was not built by the orchestrator engine');
  return engine;
}
