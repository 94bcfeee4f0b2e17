// One execution of a run's handler: the CommandContext it gets, with durable steps (memoized by
// key so a resumed run skips what completed), phase gates, resource locks, retries with backoff,
// approvals bound to an action hash, and the record of completed steps for compensation.
import type { AgentKind, CommandSpec } from '../../commands/types.js';
import type { AgentEventInput, Level } from '../../services/events/types.js';
import type { StepPayload } from '../../services/events/payloads.js';
import { sleep } from '../../services/timers.js';
import type { ApprovalAction, CommandContext, Phase, StepInfo, StepOptions } from '../types.js';
import { ApprovalPending, ApprovalRejected, CommandError, PHASES } from '../types.js';
import type { AgentInstance } from './agent-pool.js';
import { actionHash } from './action-hash.js';
import { approvalData, approvalsOfRun, insertApproval, pendingWithHash, resolveApproval, voidApproval, type ApprovalRow } from './approvals-repo.js';
import { approvalHint } from '../../commands/defs/runs.js';
import { RunStopped, StepFailed, messageOf } from './errors.js';
import { GateFailed, checkGate, checkPreconditions, phaseIndex } from './gates.js';
import type { EngineInternals } from './internals.js';
import { bindContext } from './internals.js';
import { acquireAll, holderLabel } from './locks.js';
import { needsApproval, targetOf } from './policy.js';
import type { Completed } from './recovery.js';
import { getStep, runStatus, startStep, updateRun, updateStep } from './runs-repo.js';

export interface ExecutionInit {
  readonly engine: EngineInternals;
  readonly runId: string | null;
  readonly ticketId: string | null;
  readonly spec: CommandSpec | null;
  readonly args: Record<string, unknown>;
  readonly agent: AgentKind;
  readonly instance?: AgentInstance | null;
  readonly initiator: string;
  readonly signal: AbortSignal;
  /** The run's command line, for run events. */
  readonly line?: string;
}

export interface Execution {
  readonly ctx: CommandContext;
  /** Completed steps in order, for compensation. */
  readonly completed: Completed[];
  /** The phase reached so far, or null before the first step. */
  phase(): Phase | null;
  /** Checks the gate of the phase the run ends in. */
  finalGate(): void;
  /** Stops at the next safe point (between steps). */
  stop(how: 'cancelled' | 'interrupted', reason: string): void;
  /** Lets waits (locks, a free agent) end early when the run is stopped. */
  readonly stopSignal: AbortSignal;
  /** Switches the command (free text routed to a command). */
  route(spec: CommandSpec, args: Record<string, unknown>): void;
  /** The failed step, when a step failed. */
  failedStep(): string | null;
  /** Gives the run its agent instance once a slot is free. */
  attach(instance: AgentInstance): void;
}

const DEFAULT_RETRYABLE_RETRIES = 2;
/** Numbers the lock holders of query commands (they have no run id to hold locks by). */
let queryLocks = 0;

export function createExecution(init: ExecutionInit): Execution {
  const { engine, runId } = init;
  let instance = init.instance ?? null;
  let spec = init.spec;
  let args = init.args;
  let current = -1;
  let approvedInRun = false;
  let failed: string | null = null;
  const outputs = new Map<Phase, unknown[]>();
  const occurrences = new Map<string, number>();
  const completed: Completed[] = [];
  const stopper = new AbortController();
  let stopRequest: RunStopped | null = null;

  const emit = (agent: AgentKind, e: Omit<AgentEventInput, 'agent' | 'runId' | 'ticketId' | 'instance'>): void => {
    engine.bus.emit({
      ...e,
      agent,
      runId: runId ?? undefined,
      ticketId: init.ticketId ?? undefined,
      instance: agent === init.agent ? instance?.id : undefined,
    });
  };

  const stepEvent = (agent: AgentKind, key: string, phase: Phase, name: string, status: string, level: Level, message: string, waitingFor?: string): void => {
    const payload: StepPayload = { step: { runId: runId ?? '', key, name, phase, status, agent, instance: instance?.id, waitingFor: waitingFor ?? null } };
    emit(agent, { kind: 'step', level, message, data: { ...payload } });
  };

  /** A safe point: between steps. Honors stop requests from this process and from others (via the run row). */
  const safePoint = (): void => {
    if (stopRequest) throw stopRequest;
    if (runId) {
      const status = runStatus(engine.state, runId);
      if (status === 'cancelling') throw (stopRequest = new RunStopped('cancelled', `${runId} was cancelled`));
      if (status === 'interrupting') throw (stopRequest = new RunStopped('interrupted', `${runId} was interrupted`));
    }
    if (init.signal.aborted) throw (stopRequest = new RunStopped('cancelled', `${runId ?? 'the command'} was cancelled`));
  };

  const setAgent = (state: Parameters<EngineInternals['pool']['set']>[1], extra?: Record<string, unknown>): void => {
    if (instance) engine.pool.set(instance, state, { runId, ...extra });
  };

  /** Moves the run forward to `phase`: the gates of the phases left behind must pass. */
  const enterPhase = async (phase: Phase): Promise<void> => {
    const target = phaseIndex(phase);
    if (target <= current) return;
    for (let i = Math.max(current, 0); i < target; i++) {
      const left = PHASES[i] as Phase;
      const reason = checkGate(left, outputs.get(left) ?? []);
      if (reason) throw new GateFailed(left, reason);
    }
    const execute = phaseIndex('EXECUTE');
    if (current < execute && target >= execute) {
      const reason = checkPreconditions([...outputs.values()].flat());
      if (reason) throw new GateFailed('EXECUTE', reason);
      if (spec && runId && !approvedInRun && needsApproval(engine.policy, spec, args)) {
        await ctx.requireApproval({ tool: spec.id, args, target: targetOf(args), summary: summaryOf(spec, args) });
      }
    }
    current = target;
    if (runId) {
      updateRun(engine.state, runId, { phase });
      emit('orchestrator', { kind: 'run', level: 'debug', message: `${runId} entered ${phase}`, data: { run: { id: runId, status: 'running', line: init.line ?? '', phase } } });
    }
  };

  const retriesFor = (error: unknown, options?: StepOptions<unknown>): number => {
    if (error instanceof CommandError) return error.retryable ? (options?.retries ?? DEFAULT_RETRYABLE_RETRIES) : 0;
    if (error instanceof ApprovalPending || error instanceof ApprovalRejected || error instanceof RunStopped || error instanceof GateFailed) return 0;
    return options?.retries ?? 0;
  };

  const runWithRetries = async <T>(agent: AgentKind, key: string, name: string, fn: () => Promise<T>, options?: StepOptions<T>): Promise<{ output: T; attempts: number }> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return { output: await fn(), attempts: attempt };
      } catch (error) {
        const retries = retriesFor(error, options as StepOptions<unknown> | undefined);
        if (attempt > retries || stopRequest) throw error;
        const delay = engine.retryBaseMs * 2 ** (attempt - 1);
        if (runId) updateStep(engine.state, runId, key, { attempts: attempt, error: messageOf(error) });
        emit(agent, { kind: 'log', level: 'warn', message: `${name} failed (${messageOf(error)}); retry ${attempt}/${retries} in ${delay} ms`, data: { step: key, attempt, delay } });
        await sleep(delay, stopper.signal);
        safePoint();
      }
    }
  };

  const runStep = async <T>(agent: AgentKind, phase: Phase, name: string, body: (step: StepInfo) => Promise<T>, options?: StepOptions<T>): Promise<T> => {
    if (!PHASES.includes(phase)) throw new CommandError('bad_phase', `unknown phase "${String(phase)}" (accepted: ${PHASES.join(', ')})`);
    safePoint();
    const base = `${phase}:${name}`;
    const n = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, n);
    const key = n === 1 ? base : `${base}#${n}`;
    const info: StepInfo = { id: runId ? `${runId}/${key}` : key };
    const fn = (): Promise<T> => body(info);
    const record = (output: unknown): void => {
      outputs.set(phase, [...(outputs.get(phase) ?? []), output]);
      completed.push({ key, name, phase, output, compensate: options?.compensate as Completed['compensate'], nothingToUndo: options?.nothingToUndo });
    };

    // Query commands have no run: the step simply runs (with its retries).
    if (!runId) {
      await enterPhase(phase);
      const holder = `${agent}@${process.pid}#${++queryLocks}`;
      const release = options?.locks?.length ? await acquireAll(engine.state, options.locks, holder, null, { signal: init.signal }) : () => undefined;
      try {
        const { output } = await runWithRetries(agent, key, name, fn, options);
        record(output);
        return output;
      } finally {
        release();
      }
    }

    const memo = getStep(engine.state, runId, key);
    if (memo?.status === 'done') {
      await enterPhase(phase);
      record(memo.output);
      stepEvent(agent, key, phase, name, 'done', 'debug', `${name}: already done (recorded)`);
      return memo.output as T;
    }

    await enterPhase(phase);
    startStep(engine.state, { runId, key, agent, instance: agent === init.agent ? (instance?.id ?? null) : null, phase, name });
    let release: () => void = () => undefined;
    if (options?.locks && options.locks.length > 0) {
      release = await waitForLocks(options.locks, (waitingFor) => {
        updateStep(engine.state, runId, key, { status: 'waiting', waitingFor });
        stepEvent(agent, key, phase, name, 'waiting', 'info', `${name}: waiting for ${waitingFor}`, waitingFor);
        setAgent('waiting_lock', { step: name, phase, waitingFor });
      });
      updateStep(engine.state, runId, key, { status: 'running', waitingFor: null });
    }
    stepEvent(agent, key, phase, name, 'running', 'info', `${name}...`);
    setAgent('working', { step: name, phase });
    try {
      const { output, attempts } = await runWithRetries(agent, key, name, fn, options);
      // One transaction: the step's row and its audit entry land together.
      engine.state.tx(() => {
        updateStep(engine.state, runId, key, { status: 'done', attempts, output: output ?? null, error: null });
        engine.audit({ initiator: init.initiator, agent, action: `step ${key}`, runId, result: 'done' });
      });
      stepEvent(agent, key, phase, name, 'done', 'success', name);
      record(output);
      return output;
    } catch (error) {
      if (error instanceof ApprovalPending) {
        updateStep(engine.state, runId, key, { status: 'waiting', waitingFor: `approval ${error.approvalId}` });
        throw error;
      }
      failed = name;
      const message = messageOf(error);
      engine.state.tx(() => {
        updateStep(engine.state, runId, key, { status: 'failed', error: message });
        engine.audit({ initiator: init.initiator, agent, action: `step ${key}`, runId, result: `failed: ${message}` });
      });
      stepEvent(agent, key, phase, name, 'failed', 'error', `${name} failed: ${message}`);
      if (error instanceof RunStopped || error instanceof ApprovalRejected || error instanceof GateFailed) throw error;
      throw new StepFailed(key, name, error);
    } finally {
      release();
    }
  };

  /** Queues for `names` as this run (bounded by the engine's lock timeout); `onWait` says who holds one. */
  const waitForLocks = (names: readonly string[], onWait: (waitingFor: string) => void): Promise<() => void> => {
    const id = runId as string;
    return acquireAll(engine.state, names, id, id, {
      signal: stopper.signal,
      timeoutMs: engine.lockTimeoutMs,
      onWait: (holder) => onWait(`${holder.name} held by ${holderLabel(holder)}`),
    }).catch((error: unknown) => {
      safePoint();
      throw error;
    });
  };

  const hold = async (names: readonly string[]): Promise<void> => {
    if (!runId) throw new CommandError('lock_needs_run', `holding ${names.join(', ')} needs a run; only run-mode commands can hold locks`);
    safePoint();
    // The release function is dropped: the engine releases every lock of the run when it ends.
    let waited = false;
    await waitForLocks(names, (waitingFor) => {
      waited = true;
      emit(init.agent, { kind: 'log', level: 'info', message: `waiting for ${waitingFor} (up to ${Math.ceil(engine.lockTimeoutMs / 60_000)} min)`, data: { waitingFor } });
      setAgent('waiting_lock', { waitingFor });
    });
    if (waited) setAgent('working', {});
  };

  const requireApproval = async (action: ApprovalAction): Promise<void> => {
    if (!runId) throw new CommandError('approval_needs_run', `${action.summary}: needs an approval, which only a run can wait for`);
    const hash = actionHash(action);
    const mine = approvalsOfRun(engine.state, runId).filter((a) => a.tool === action.tool);
    const same = mine.filter((a) => a.actionHash === hash);
    const approved = same.find((a) => a.status === 'approved');
    if (approved) {
      approvedInRun = true;
      engine.audit({ initiator: init.initiator, agent: init.agent, action: `use approval ${approved.id}`, target: action.target, runId, approvalId: approved.id, result: 'allowed', data: { hash } });
      return;
    }
    const rejected = same.find((a) => a.status === 'rejected');
    if (rejected) throw new ApprovalRejected(rejected.id, rejected.reason ?? undefined);
    const pending = same.find((a) => a.status === 'pending' && !expired(a));
    if (pending) throw new ApprovalPending(pending.id, pending.summary, pending.confirmText, pending.action.detail ?? []);
    for (const a of same) if (a.status === 'pending') resolveApproval(engine.state, a.id, 'expired', 'system');

    // The same action asked for by another run (a repeated `deploy`): that approval is the one to
    // decide; this run files nothing new.
    const elsewhere = pendingWithHash(engine.state, hash);
    if (elsewhere && elsewhere.runId !== runId) {
      throw new ApprovalPending(elsewhere.id, elsewhere.summary, elsewhere.confirmText, elsewhere.action.detail ?? [], elsewhere.runId ?? '');
    }

    // An approval of this run for the same command whose content changed since (the branch moved,
    // a file was edited): it is void, and a person decides again on what is there now.
    const changedFrom = mine.find((a) => a.status === 'approved' && a.actionHash !== hash);
    let changes: string[] = [];
    if (changedFrom) {
      changes = await describeChange(changedFrom.action, action);
      const reason = changes.length ? `changed after approval: ${changes[0]}` : 'the action changed after approval';
      if (voidApproval(engine.state, changedFrom.id, reason)) {
        engine.audit({ initiator: 'system', agent: init.agent, action: `void approval ${changedFrom.id}`, target: action.target, runId, approvalId: changedFrom.id, result: `void: ${reason}` });
        announceApproval({ ...changedFrom, status: 'void' }, 'warn', `Approval ${changedFrom.id} is void: ${reason}`);
      }
    }
    const detail = [...changes.slice(1), ...(action.detail ?? [])];
    const stored: ApprovalAction = { ...action, ...(detail.length ? { detail } : {}) };
    delete (stored as { changes?: unknown }).changes;
    const row = insertApproval(engine.state, { runId, ticketId: init.ticketId, action: stored, requestedBy: init.initiator, ttlMinutes: engine.ttlMinutes });
    const note = changedFrom ? `${changes[0] ?? 'the action changed'} since ${changedFrom.id} was approved, so ${changedFrom.id} is void: ` : '';
    engine.audit({ initiator: init.initiator, agent: init.agent, action: `request approval ${row.id}`, target: action.target, runId, approvalId: row.id, result: changedFrom ? `pending (changed since ${changedFrom.id})` : 'pending', data: { tool: action.tool, hash, ...(action.bind ? { bind: action.bind } : {}) } });
    announceApproval(row, changedFrom ? 'warn' : 'info', `${note}approval ${row.id} needed: ${row.summary} (${approvalHint(row.id, row.confirmText)})`);
    updateRun(engine.state, runId, { status: 'waiting_approval' });
    setAgent('waiting_approval', { waitingFor: `approval ${row.id}` });
    throw new ApprovalPending(row.id, `${note}${row.summary}`, row.confirmText, detail);
  };

  const announceApproval = (row: ApprovalRow, level: Level, message: string): void => {
    emit(init.agent, {
      kind: 'approval',
      level,
      message,
      data: { ...approvalData(row) },
    });
  };

  const makeCtx = (agent: AgentKind): CommandContext => {
    const c: CommandContext = {
      root: engine.root,
      agent,
      runId,
      ticketId: init.ticketId,
      initiator: init.initiator,
      signal: init.signal,
      log: (level, message, data) => emit(agent, { kind: 'log', level, message, data }),
      as: (other) => (other === agent ? c : makeCtx(other)),
      step: (phase, name, fn, options) => runStep(agent, phase, name, fn, options),
      requireApproval,
      hold,
    };
    return bindContext(c, engine);
  };
  const ctx = makeCtx(init.agent);

  return {
    ctx,
    completed,
    phase: () => (current >= 0 ? (PHASES[current] as Phase) : null),
    finalGate() {
      if (current < 0) return;
      const phase = PHASES[current] as Phase;
      const reason = checkGate(phase, outputs.get(phase) ?? []);
      if (reason) throw new GateFailed(phase, reason);
    },
    stop(how, reason) {
      stopRequest ??= new RunStopped(how, reason);
      stopper.abort(stopRequest);
    },
    stopSignal: stopper.signal,
    route(next, nextArgs) {
      spec = next;
      args = nextArgs;
    },
    failedStep: () => failed,
    attach(next) {
      instance = next;
    },
  };
}

/** What differs between an approved action and the one asked for now: bound fingerprints first, then the handler's own lines (the new diff). */
async function describeChange(before: ApprovalAction, now: ApprovalAction): Promise<string[]> {
  const was = before.bind ?? {};
  const is = now.bind ?? {};
  const keys = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter((k) => was[k] !== is[k]);
  const lines = keys.map((k) => `${k} ${short(was[k])} → ${short(is[k])}`);
  if ((before.diffHash ?? null) !== (now.diffHash ?? null)) lines.push(`content ${short(before.diffHash)} → ${short(now.diffHash)}`);
  if (lines.length === 0) lines.push('its arguments changed');
  const first = lines.join(', ');
  const extra = keys.length && now.changes ? await now.changes(was).catch(() => [] as readonly string[]) : [];
  return [first, ...extra];
}

function short(v: string | undefined): string {
  if (v === undefined) return '(none)';
  return /^[0-9a-f]{40,64}$/.test(v) ? v.slice(0, 12) : v.length > 80 ? `${v.slice(0, 77)}...` : v;
}

function expired(a: ApprovalRow): boolean {
  return a.expiresAt !== null && Date.parse(a.expiresAt) <= Date.now();
}

/** One line for an approval of a whole command: `deploy production (target production)`. */
export function summaryOf(spec: CommandSpec, args: Record<string, unknown>): string {
  const shown = Object.entries(args)
    .filter(([, v]) => v !== undefined && v !== false && v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${spec.id}${shown.length ? ` (${shown.join(', ')})` : ''} on ${targetOf(args)}`;
}
