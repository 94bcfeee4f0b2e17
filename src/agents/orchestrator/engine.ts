// The orchestrator engine: parses a line, finds the handling agent's handler, opens a durable
// run for commands of mode 'run' (and free text), builds the CommandContext, and turns whatever
// happens into a CommandResult. dispatch never throws.
import { AsyncLocalStorage } from 'node:async_hooks';
import { parse } from '../../commands/parse.js';
import { findCommand } from '../../commands/registry.js';
import type { AgentKind, CommandSpec, ParsedCommand } from '../../commands/types.js';
import { loadEnv } from '../../services/config/env.js';
import { secretValue } from '../../services/config/secrets.js';
import type { EventBus } from '../../services/events/bus.js';
import { expandPlaceholders } from '../../services/secrets/redact.js';
import type { Level } from '../../services/events/types.js';
import { pidAlive } from '../../services/process.js';
import type { RunPayload } from '../../services/events/payloads.js';
import { appendAudit, type AuditEntry } from '../../services/state/audit.js';
import type { StateDb } from '../../services/state/db.js';
import { reconcileInflight } from '../../services/state/inflight.js';
import { TICKET_ID } from '../../services/state/tickets.js';
import { resolveTicketArgs } from './ticket-refs.js';
import { announceTicketChanges } from './ticket-events.js';
import { handlerOf, notAvailableMessage } from '../handlers.js';
import { createDeterministicRuntime } from '../runtime/deterministic.js';
import type { AgentRuntime } from '../runtime/types.js';
import type { CommandContext, CommandResult, Handler, HandlerTable } from '../types.js';
import { fail } from '../types.js';
import { createAgentPool, type AgentInstance, type AgentPool } from './agent-pool.js';
import { watchApprovals } from './approval-watch.js';
import { getApproval } from './approvals-repo.js';
import { guardedConfig } from './confirmed-guards.js';
import { describeChanges, ignoredPolicyKeys, type GuardChange } from '../../services/config/guards.js';
import { CONFIG_FILE, type ProjectConfig } from '../../services/config/schema.js';
import { getKv, setKv } from '../../services/state/kv.js';
import { RunStopped, StepFailed, messageOf, rootCause, toResult } from './errors.js';
import { createExecution, type Execution } from './execution.js';
import type { DispatchOptions, EngineConfig, EngineInternals } from './internals.js';
import { releaseAllOf } from './locks.js';
import { resolvePolicy } from './policy.js';
import { GateFailed } from './gates.js';
import { compensate, needsManual, recoveryPlan, type Completed } from './recovery.js';
import { routeText } from './route-run.js';
import {
  ACTIVE_STATUSES,
  RESUMABLE_STATUSES,
  getRun,
  insertRun,
  listRuns,
  runStatus,
  transitionRun,
  updateRun,
  updateStep,
  type RunRow,
  type RunStatus,
} from './runs-repo.js';


/** Run ends that wait for someone (a person, a model) or say what could not be checked: not failures. */
const WAITS_FOR_SOMEONE: ReadonlySet<string> = new Set(['waiting_approval', 'interrupted', 'incomplete', 'needs_model', 'needs_manual']);
export type { DispatchOptions, EngineConfig } from './internals.js';

export interface EngineOptions {
  readonly root: string;
  readonly state: StateDb;
  readonly bus: EventBus;
  readonly config?: EngineConfig;
  readonly runtime?: AgentRuntime;
  /** Base delay of retry backoff in ms (default 250). */
  readonly retryBaseMs?: number;
  /** How long a run waits for a lock another run holds before it fails saying so (ms, default 15 min). */
  readonly lockTimeoutMs?: number;
  /** How often pending approvals are checked for reminders and expiry (ms, default 30 s; 0 = only at start). */
  readonly approvalCheckMs?: number;
  /** Extra commands and their handlers (embedding and tests); they take precedence over the registry's. */
  readonly extra?: { readonly specs: readonly CommandSpec[]; readonly handlers: HandlerTable };
}

export interface ContextOptions {
  readonly agent: AgentKind;
  readonly initiator?: string;
  /** Open a durable run for the context (default true), so steps and approvals are recorded. */
  readonly run?: boolean;
  readonly ticketId?: string | null;
  readonly line?: string;
  readonly signal?: AbortSignal;
}

export interface Engine {
  readonly root: string;
  readonly state: StateDb;
  readonly bus: EventBus;
  readonly pool: AgentPool;
  readonly runtime: AgentRuntime;
  dispatch(input: string | ParsedCommand, options: DispatchOptions): Promise<CommandResult>;
  resume(runId: string, options: DispatchOptions): Promise<CommandResult>;
  /** A context outside dispatch (for tests and tools), optionally with its own run. */
  context(options: ContextOptions): CommandContext;
  /** Runs whose process died are marked interrupted; returns their ids. Called at start. */
  markInterrupted(): string[];
  /** Lines about the project's settings to show at start (a lowered guard held back until confirmed). */
  readonly notices: readonly string[];
  /** Checks pending approvals for reminders and expiry now. */
  checkApprovals(): void;
  /** Stops the approval timer; active runs are interrupted at their next safe point. */
  close(): void;
}

const DEFAULT_TTL_MINUTES = 60;
const DEFAULT_LOCK_TIMEOUT_MS = 15 * 60_000;


export function createEngine(options: EngineOptions): Engine {
  const { root, state, bus } = options;
  // The project's file settings, with every guard it lowers held at its confirmed value.
  const guarded = options.config && isProjectConfig(options.config) ? guardedConfig(state, options.config) : null;
  const config = guarded?.config ?? options.config ?? {};
  const pool = createAgentPool(bus, config.agents?.concurrency);
  const executions = new Map<string, Execution>();
  const slotsHeld = new AsyncLocalStorage<ReadonlySet<AgentKind>>();

  const internals: EngineInternals = {
    root,
    state,
    bus,
    pool,
    runtime: options.runtime ?? createDeterministicRuntime(),
    policy: resolvePolicy(config.approvals?.policy),
    ttlMinutes: config.approvals?.ttlMinutes ?? DEFAULT_TTL_MINUTES,
    retryBaseMs: options.retryBaseMs ?? 250,
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    audit(entry: AuditEntry) {
      try {
        appendAudit(state, entry, bus.redact);
      } catch (error) {
        bus.emit({ agent: 'orchestrator', kind: 'log', level: 'error', message: `audit write failed: ${messageOf(error)}` });
      }
    },
    resume: (runId, o) => resume(runId, o),
    dispatch: (line, o) => dispatch(line, o),
    localRuns: () => [...executions.keys()],
    stopRequested(runId) {
      if (executions.get(runId)?.stopSignal.aborted) return true;
      const status = runStatus(state, runId);
      return status === 'cancelling' || status === 'interrupting' || status === 'cancelled';
    },
    stop(runId, how, reason) {
      const local = executions.get(runId);
      if (local) {
        local.stop(how, reason);
        return 'stopping';
      }
      const run = getRun(state, runId);
      if (!run) return 'not_active';
      if (ACTIVE_STATUSES.includes(run.status) && pidAlive(run.pid) && run.pid !== process.pid) {
        // Another process owns it: it stops at its next safe point when it reads the row.
        transitionRun(state, run.id, ACTIVE_STATUSES, how === 'cancelled' ? 'cancelling' : 'interrupting');
        return 'stopping';
      }
      if (ACTIVE_STATUSES.includes(run.status) || run.status === 'waiting_approval' || (how === 'cancelled' && RESUMABLE_STATUSES.includes(run.status) && run.status !== 'cancelled')) {
        state.tx(() => {
          updateRun(state, run.id, { status: how, finished: true, error: reason });
          emitRun(run.id, how, run.line, reason, 'warn', { agent: run.agent });
        });
        return 'stopped';
      }
      return 'not_active';
    },
    reloadConfig(file) {
      const next = isProjectConfig(file) ? guardedConfig(state, file).config : file;
      internals.policy = resolvePolicy(next.approvals?.policy);
      internals.ttlMinutes = next.approvals?.ttlMinutes ?? DEFAULT_TTL_MINUTES;
      pool.setLimits(next.agents?.concurrency ?? {});
    },
  };

  const emitRun = (runId: string, status: string, line: string, message: string, level: 'debug' | 'info' | 'success' | 'warn' | 'error', extra: Partial<RunPayload['run']> = {}): void => {
    const payload: RunPayload = { run: { id: runId, status, line, ...extra } };
    bus.emit({ agent: 'orchestrator', runId, ticketId: extra.ticketId ?? undefined, kind: 'run', level, message, data: { ...payload } });
  };

  async function dispatch(input: string | ParsedCommand, o: DispatchOptions): Promise<CommandResult> {
    try {
      if (typeof input !== 'string') return await runCommand(input, o);
      const parsed = parse(input);
      if (!parsed.ok) {
        // The parser's line already names what was wrong and, when there is one, the closest command.
        return { ...fail('usage', parsed.error), data: { suggestion: parsed.suggestion, usage: parsed.usage } };
      }
      if (parsed.kind === 'text') return await runText(parsed.text, o);
      return await runCommand(parsed.command, o);
    } catch (error) {
      return toResult(error);
    }
  }

  async function handlerFor(spec: CommandSpec): Promise<Handler | undefined> {
    return options.extra?.handlers[spec.id] ?? (await handlerOf(spec));
  }

  function specFor(id: string): CommandSpec | undefined {
    return options.extra?.specs.find((s) => s.id === id) ?? findCommand(id);
  }

  async function runCommand(command: ParsedCommand, o: DispatchOptions): Promise<CommandResult> {
    const { spec } = command;
    const handler = await handlerFor(spec);
    if (!handler) {
      const message = notAvailableMessage(spec);
      internals.audit({ initiator: o.initiator, agent: spec.agent, action: command.raw, result: 'not_available' });
      return fail('not_available', message, 'not_available');
    }
    const args = resolveTicketArgs(state, spec, command.args as Record<string, unknown>);
    if (spec.mode === 'query' || spec.control) return runQuery(spec, command.raw, args, handler, o);
    const run = insertRun(state, {
      line: command.raw,
      commandId: spec.id,
      args,
      agent: spec.agent,
      initiator: o.initiator,
      ticketId: ticketOf(args),
      runtime: internals.runtime.name,
    });
    emitRun(run.id, 'running', run.line, `${run.id} started: ${run.line}`, 'debug', { agent: run.agent, commandId: spec.id, ticketId: run.ticketId });
    return execute(run, spec, args, handler, o);
  }

  async function runQuery(spec: CommandSpec, line: string, args: Record<string, unknown>, handler: Handler, o: DispatchOptions): Promise<CommandResult> {
    const started = new Date().toISOString();
    const exec = createExecution({ engine: internals, runId: null, ticketId: ticketOf(args), spec, args, agent: spec.agent, initiator: o.initiator, signal: o.signal ?? new AbortController().signal });
    let result: CommandResult;
    try {
      result = await handler(exec.ctx, args);
    } catch (error) {
      result = toResult(error);
    }
    internals.audit({ initiator: o.initiator, agent: spec.agent, action: line, result: `${result.status}: ${result.message}` });
    announceTicketChanges(internals, started);
    return result;
  }

  async function runText(text: string, o: DispatchOptions): Promise<CommandResult> {
    const run = insertRun(state, { line: text, commandId: null, args: { text }, agent: 'orchestrator', initiator: o.initiator, ticketId: null, runtime: internals.runtime.name });
    emitRun(run.id, 'running', text, `${run.id} started: ${text}`, 'debug', { agent: run.agent });
    return execute(run, null, { text }, null, o);
  }

  /** Runs (or resumes) a run's handler in this process and records how it ended. */
  async function execute(run: RunRow, spec: CommandSpec | null, args: Record<string, unknown>, handler: Handler | null, o: DispatchOptions): Promise<CommandResult> {
    const signal = o.signal ?? new AbortController().signal;
    const started = new Date().toISOString();
    let instance: AgentInstance | null = null;
    let exec: Execution | null = null;
    let result: CommandResult;
    try {
      const agent = spec?.agent ?? 'orchestrator';
      exec = createExecution({ engine: internals, runId: run.id, ticketId: run.ticketId, spec, args, agent, initiator: o.initiator, signal, line: run.line });
      executions.set(run.id, exec);
      // A run started from inside another run of the same agent kind (approve -> resume within a
      // routed request) must not wait for the slot its caller holds.
      const held = slotsHeld.getStore() ?? new Set<AgentKind>();
      instance = await pool.start(agent, run.id, exec.stopSignal, held.has(agent));
      exec.attach(instance);
      const running = exec;
      const out = await slotsHeld.run(new Set([...held, agent]), () =>
        handler ? handler(running.ctx, args) : routeText(running, String(args.text ?? ''), internals),
      );
      if (out.ok) exec.finalGate();
      result = { ...out, runId: run.id };
    } catch (error) {
      result = await failed(run, exec, error);
    } finally {
      executions.delete(run.id);
      releaseAllOf(state, run.id);
    }
    // Waiting on an approval another run filed for the same action: this run has nothing of its own to wait for.
    const duplicate = result.status === 'waiting_approval' && result.approvalId !== undefined && getApproval(state, result.approvalId)?.runId !== run.id;
    const status: RunStatus = duplicate ? 'cancelled' : result.status === 'cancelled' && result.error?.code === 'interrupted' ? 'interrupted' : result.status;
    // Only a failure is an error: a run waiting for a person or a model, or one that could not check
    // everything, ended as what it is (a warning to act on).
    const level = result.ok ? 'success' : duplicate || WAITS_FOR_SOMEONE.has(status) ? 'warn' : 'error';
    state.tx(() => {
      updateRun(state, run.id, {
        status,
        phase: exec?.phase() ?? null,
        // The lines too: everything `run` prints of a result is stored before it is printed (but
        // what is shown once, such as a one-time sign-in link, is never stored).
        result: { status: result.status, message: result.message, data: result.data, ...(result.lines?.length && !result.linesShownOnce ? { lines: result.lines } : {}) },
        error: result.ok ? null : result.message,
        finished: status !== 'waiting_approval' && status !== 'interrupted',
      });
      internals.audit({ initiator: o.initiator, agent: run.agent, action: run.line, runId: run.id, approvalId: result.approvalId, result: `${status}: ${result.message}` });
      // Inside the transaction: what the run's end causes in the state db (its notification email
      // in the outbox) is written with the end itself, never after it.
      emitRun(run.id, status, run.line, `${run.id} ${status.replace('_', ' ')}: ${result.message}`, level, { agent: run.agent, commandId: run.commandId, ticketId: run.ticketId, phase: exec?.phase() ?? null });
    });
    if (instance) pool.stop(instance, result.ok ? 'done' : status === 'cancelled' || WAITS_FOR_SOMEONE.has(status) ? 'stopped' : 'failed', status);
    announceTicketChanges(internals, started, run.id);
    return result;
  }

  /** A run failed: compensate what completed (newest first) and store a recovery plan. */
  async function failed(run: RunRow, exec: Execution | null, error: unknown): Promise<CommandResult> {
    const base = toResult(error, run.id);
    const cause = rootCause(error);
    // An interrupted run keeps what it did (resume continues it); a cancelled one is rolled back.
    if (!exec || base.status === 'waiting_approval' || (cause instanceof RunStopped && cause.how === 'interrupted')) return base;
    const done = exec.completed;
    if (done.length === 0) return base;
    const emitStep = (s: Completed, level: Level, status: string, message: string): void => {
      bus.emit({ agent: run.agent, runId: run.id, kind: 'step', level, message, data: { step: { runId: run.id, key: s.key, name: s.name, phase: s.phase, status, agent: run.agent } } });
    };
    const outcome = await compensate(done, {
      onStart: (s) => emitStep(s, 'warn', 'compensating', `Rolling back: ${s.name}`),
      onDone: (s) => {
        updateStep(state, run.id, s.key, { status: 'compensated' });
        internals.audit({ initiator: 'system', agent: run.agent, action: `compensate ${s.key}`, runId: run.id, result: 'done' });
        emitStep(s, 'success', 'compensated', `Rolled back: ${s.name}`);
      },
      onFail: (s, e) => {
        updateStep(state, run.id, s.key, { status: 'compensation_failed', error: messageOf(e) });
        internals.audit({ initiator: 'system', agent: run.agent, action: `compensate ${s.key}`, runId: run.id, result: `failed: ${messageOf(e)}` });
        emitStep(s, 'error', 'compensation_failed', `Roll back failed: ${s.name}: ${messageOf(e)}`);
      },
    });
    const failedStep = error instanceof StepFailed ? error.stepName : (exec.failedStep() ?? 'the handler');
    const plan = recoveryPlan(run.id, failedStep, base.message, done, outcome);
    updateRun(state, run.id, { recovery: plan });
    const rolled = outcome.rolledBack.length ? `; rolled back ${outcome.rolledBack.length} step(s)` : '';
    if (needsManual(plan) && base.status === 'failed' && !(cause instanceof GateFailed)) {
      const message = `${failedStep} failed: ${base.message}${rolled}; needs manual recovery (see \`run ${run.id}\`)`;
      return { ...base, status: 'needs_manual', message, error: { message, code: base.error?.code ?? 'needs_manual' }, data: { recovery: plan } };
    }
    return { ...base, message: `${base.message}${rolled}`, data: { recovery: plan } };
  }

  async function resume(runId: string, o: DispatchOptions): Promise<CommandResult> {
    const run = getRun(state, runId);
    if (!run) return fail('not_found', `no run ${runId} (see \`status\` for recent runs)`);
    // An active run whose process lives (this one included: a context's own run) is not resumable.
    const ownerAlive = pidAlive(run.pid);
    if (executions.has(run.id) || (ACTIVE_STATUSES.includes(run.status) && ownerAlive))
      return fail('busy', `${run.id} is still running (${run.status}); nothing to resume`);
    if (run.status === 'done') return fail('done', `${run.id} already finished: ${run.result?.message ?? 'done'}`);
    const resumable: readonly RunStatus[] = [...RESUMABLE_STATUSES, ...ACTIVE_STATUSES];
    if (!resumable.includes(run.status)) return fail('not_resumable', `${run.id} is ${run.status} and cannot be resumed`);
    const args = secretArgs(run);
    if (!args.ok) return args.result;
    if (!transitionRun(state, run.id, [run.status], 'running')) return fail('busy', `${run.id} changed while resuming; try again`);
    updateRun(state, run.id, { pid: process.pid, finished: false, error: null, recovery: null });
    emitRun(run.id, 'running', run.line, `${run.id} resumed: ${run.line}`, 'info', { agent: run.agent, commandId: run.commandId, ticketId: run.ticketId });
    internals.audit({ initiator: o.initiator, agent: run.agent, action: `resume ${run.id}`, runId: run.id, result: 'resumed' });
    if (run.commandId === null) return execute(run, null, args.value, null, o);
    // The run's command and its validated args were stored when it opened.
    const spec = specFor(run.commandId);
    const handler = spec ? await handlerFor(spec) : undefined;
    if (!spec || !handler) {
      const message = `${run.id} cannot be resumed: "${run.commandId}" is not available in this version`;
      state.tx(() => {
        updateRun(state, run.id, { status: 'failed', finished: true, error: `command "${run.commandId}" is not available` });
        emitRun(run.id, 'failed', run.line, message, 'error', { agent: run.agent, commandId: run.commandId, ticketId: run.ticketId });
      });
      return fail('not_available', message, 'not_available');
    }
    return execute(run, spec, args.value, handler, o);
  }

  /**
   * The run's args with the secrets it was typed with taken from the environment again (they
   * are stored as placeholders). Only the placeholders redaction wrote are filled: one typed
   * literally stays text.
   */
  function secretArgs(run: RunRow): { ok: true; value: Record<string, unknown> } | { ok: false; result: CommandResult } {
    if (run.secretNames.length === 0) return { ok: true, value: run.args };
    const vars = loadEnv(root).all;
    const { value, missing } = expandPlaceholders(run.args, run.secretNames, (name) => secretValue(vars, name));
    if (missing.length === 0) return { ok: true, value };
    const what = missing.map((n) => n.replace(/\.password$/, ' (its password)')).join(', ');
    return { ok: false, result: fail('needs_secret', `${run.id} was typed with a secret that is not set now: set ${what} in the environment or .env, then \`resume ${run.id}\` again`) };
  }

  function markInterrupted(): string[] {
    reconcileAbandoned();
    const ids: string[] = [];
    for (const run of listRuns(state, { statuses: ACTIVE_STATUSES, limit: 10_000 })) {
      if (run.pid === process.pid || pidAlive(run.pid)) continue;
      if (!transitionRun(state, run.id, [run.status], 'interrupted')) continue;
      ids.push(run.id);
      internals.audit({ initiator: 'system', agent: run.agent, action: `interrupt ${run.id}`, runId: run.id, result: `interrupted: process ${run.pid ?? '?'} is gone` });
      emitRun(run.id, 'interrupted', run.line, `${run.id} was interrupted (its process ${run.pid ?? '?'} ended); \`resume ${run.id}\` finishes it`, 'warn', { agent: run.agent, commandId: run.commandId, ticketId: run.ticketId });
    }
    return ids;
  }

  /** Side effects left in flight by a dead process (a backup being written) are closed, not left `running`. */
  function reconcileAbandoned(): void {
    for (const r of reconcileInflight(state, root)) {
      const what = `${r.kind === 'backups' ? 'backup' : 'deployment'} ${r.rowId}`;
      const files = r.removed.length ? `; removed its partial ${r.removed.join(', ')}` : '';
      internals.audit({ initiator: 'system', agent: 'orchestrator', action: `reconcile ${what}`, target: r.rowId, result: `failed: process ${r.pid} ended before it finished${files}` });
      bus.emit({ agent: 'orchestrator', kind: 'log', level: 'warn', message: `${what} was left unfinished by process ${r.pid}: marked failed${files}` });
    }
  }

  const notices = guarded ? guardNotices(internals, guarded.lowered, options.config as ProjectConfig) : [];
  const watcher = watchApprovals(internals, options.approvalCheckMs ?? 30_000);
  markInterrupted();
  // Approvals that ran out while no process was watching expire now.
  watcher.check();

  return {
    root,
    state,
    bus,
    pool,
    get runtime() {
      return internals.runtime;
    },
    dispatch,
    resume,
    notices,
    context(c) {
      const initiator = c.initiator ?? 'you';
      const runId =
        c.run === false
          ? null
          : insertRun(state, { line: c.line ?? `(${c.agent} context)`, commandId: null, args: {}, agent: c.agent, initiator, ticketId: c.ticketId ?? null, runtime: internals.runtime.name }).id;
      return createExecution({ engine: internals, runId, ticketId: c.ticketId ?? null, spec: null, args: {}, agent: c.agent, initiator, signal: c.signal ?? new AbortController().signal }).ctx;
    },
    markInterrupted,
    checkApprovals: () => watcher.check(),
    close() {
      watcher.stop();
      for (const exec of executions.values()) exec.stop('interrupted', 'the console is closing');
    },
  };
}

function isProjectConfig(c: EngineConfig): c is ProjectConfig {
  return 'deploy' in c && 'test' in c && 'name' in c;
}

/**
 * The start-up lines for guards the config file lowers (held back until a person confirms them)
 * and settings it cannot change. Each distinct lowering is audited once, shown every start.
 */
function guardNotices(engine: EngineInternals, lowered: readonly GuardChange[], file: ProjectConfig): string[] {
  const lines: string[] = [];
  if (lowered.length > 0) {
    const what = describeChanges(lowered);
    lines.push(`${CONFIG_FILE} lowers ${what}: not applied until a person confirms it (\`agents update config\`, then approve it)`);
    const seen = getKv<string | null>(engine.state, NOTICED_KEY, null);
    if (seen !== what) {
      setKv(engine.state, NOTICED_KEY, what);
      engine.audit({ initiator: 'system', agent: 'orchestrator', action: `${CONFIG_FILE} lowers guards`, target: 'config', result: 'held back until confirmed', data: { lowered } });
    }
  }
  for (const key of ignoredPolicyKeys(file.approvals.policy)) {
    lines.push(`${CONFIG_FILE}: approvals.policy.${key}=false has no effect: production deploys, hotfixes and emergency access always ask a person`);
  }
  for (const message of lines) engine.bus.emit({ agent: 'orchestrator', kind: 'log', level: 'warn', message });
  return lines;
}

const NOTICED_KEY = 'guards:noticed';

function ticketOf(args: Record<string, unknown>): string | null {
  for (const name of ['ticket', 'ticketId', 'id']) {
    const v = args[name];
    if (typeof v === 'string' && TICKET_ID.test(v)) return v.toUpperCase();
  }
  return null;
}
