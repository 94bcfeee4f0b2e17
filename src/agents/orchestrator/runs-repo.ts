// Rows of the runs and steps tables, as the engine and the run commands read and write them.
import type { AgentKind } from '../../commands/types.js';
import type { StateDb } from '../../services/state/db.js';
import { parseJson } from '../../services/state/db.js';
import { getKv, setKv } from '../../services/state/kv.js';
import type { Phase } from '../types.js';

export const RUN_STATUSES = [
  'queued',
  'running',
  'waiting_approval',
  'done',
  'failed',
  'needs_model',
  'needs_manual',
  'not_available',
  /** Finished, but a check within it could not run. */
  'incomplete',
  'cancelled',
  'interrupted',
  /** Asked to stop at the next safe point (another process may own the run). */
  'cancelling',
  /** Asked to stop at the next safe point and stay resumable (`agents restart all`). */
  'interrupting',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Runs that are in flight (owned by a live process). */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'cancelling', 'interrupting'];
/** Runs `resume` may continue. */
export const RESUMABLE_STATUSES: readonly RunStatus[] = ['interrupted', 'waiting_approval', 'needs_manual', 'failed', 'cancelled'];

export interface RecoveryPlan {
  readonly failedStep: string;
  readonly error: string;
  readonly rolledBack: readonly string[];
  readonly compensationFailures: readonly string[];
  /** Completed side effects that could not be undone automatically. */
  readonly leftInPlace: readonly string[];
  readonly actions: readonly string[];
}

export interface RunRow {
  readonly id: string;
  readonly ticketId: string | null;
  readonly commandId: string | null;
  readonly line: string;
  readonly args: Record<string, unknown>;
  readonly agent: AgentKind;
  readonly status: RunStatus;
  readonly phase: Phase | null;
  readonly initiator: string;
  readonly pid: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  readonly result: { status: string; message: string; data?: unknown } | null;
  readonly error: string | null;
  readonly recovery: RecoveryPlan | null;
  readonly runtime: string | null;
  readonly sessionId: string | null;
  readonly costUsd: number | null;
  /** Configured secrets the typed command held; stored as placeholders, taken again on resume. */
  readonly secretNames: readonly string[];
}

export interface StepRow {
  readonly id: number;
  readonly runId: string;
  readonly seq: number;
  readonly key: string;
  readonly agent: AgentKind;
  readonly instance: string | null;
  readonly phase: Phase;
  readonly name: string;
  readonly status: 'running' | 'waiting' | 'done' | 'failed' | 'compensated' | 'compensation_failed';
  readonly attempts: number;
  readonly output: unknown;
  readonly error: string | null;
  readonly waitingFor: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

type Raw = Record<string, string | number | null>;
const now = (): string => new Date().toISOString();

function toRun(r: Raw): RunRow {
  return {
    id: r.id as string,
    ticketId: (r.ticket_id as string | null) ?? null,
    commandId: (r.command_id as string | null) ?? null,
    line: r.line as string,
    args: parseJson(r.args_json, {}),
    agent: r.agent as AgentKind,
    status: r.status as RunStatus,
    phase: (r.phase as Phase | null) ?? null,
    initiator: r.initiator as string,
    pid: (r.pid as number | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    finishedAt: (r.finished_at as string | null) ?? null,
    result: parseJson(r.result_json, null),
    error: (r.error as string | null) ?? null,
    recovery: parseJson(r.recovery_json, null),
    runtime: (r.runtime as string | null) ?? null,
    sessionId: (r.session_id as string | null) ?? null,
    costUsd: (r.cost_usd as number | null) ?? null,
    secretNames: parseJson(r.secret_names, []),
  };
}

function toStep(r: Raw): StepRow {
  return {
    id: r.id as number,
    runId: r.run_id as string,
    seq: r.seq as number,
    key: r.key as string,
    agent: r.agent as AgentKind,
    instance: (r.instance as string | null) ?? null,
    phase: r.phase as Phase,
    name: r.name as string,
    status: r.status as StepRow['status'],
    attempts: r.attempts as number,
    output: parseJson(r.output_json, undefined),
    error: (r.error as string | null) ?? null,
    waitingFor: (r.waiting_for as string | null) ?? null,
    startedAt: (r.started_at as string | null) ?? null,
    finishedAt: (r.finished_at as string | null) ?? null,
  };
}

/** Next value of a named counter kept in kv (shared by every process on the project). */
export function nextSeq(state: StateDb, name: string): number {
  return state.tx(() => {
    const key = `seq:${name}`;
    // Stored as the number's JSON text ("42"), the same as before kv had helpers.
    const next = Number(getKv<unknown>(state, key, 0)) + 1;
    setKv(state, key, next);
    return next;
  });
}

export interface NewRun {
  readonly line: string;
  readonly commandId: string | null;
  readonly args: Record<string, unknown>;
  readonly agent: AgentKind;
  readonly initiator: string;
  readonly ticketId: string | null;
  readonly runtime: string;
}

/** `RUN-0042` from a counter; `run-42` typed by a human finds it too. */
export function formatId(prefix: 'RUN' | 'APR', n: number): string {
  return `${prefix}-${String(n).padStart(4, '0')}`;
}

export function normalizeId(id: string): string {
  const m = /^(run|apr)-0*(\d+)$/i.exec(id.trim());
  return m ? formatId(m[1]?.toUpperCase() as 'RUN' | 'APR', Number(m[2])) : id.trim();
}

export function insertRun(state: StateDb, run: NewRun): RunRow {
  return state.tx(() => {
    const id = formatId('RUN', nextSeq(state, 'runs'));
    const ts = now();
    const args = JSON.stringify(run.args);
    // The line and args are stored redacted (the state db does it); remember which secrets they held.
    const names = state.secretNamesIn(`${run.line}\n${args}`);
    state
      .stmt(
        `INSERT INTO runs (id, ticket_id, command_id, line, args_json, agent, status, initiator, pid, created_at, updated_at, runtime, secret_names)
         VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, run.ticketId, run.commandId, run.line, args, run.agent, run.initiator, process.pid, ts, ts, run.runtime, names.length ? JSON.stringify(names) : null);
    return getRun(state, id) as RunRow;
  });
}

export function getRun(state: StateDb, id: string): RunRow | null {
  const row = state.stmt('SELECT * FROM runs WHERE id = ? COLLATE NOCASE').get(normalizeId(id)) as Raw | undefined;
  return row ? toRun(row) : null;
}

export function listRuns(state: StateDb, options: { statuses?: readonly RunStatus[]; limit?: number } = {}): RunRow[] {
  const statuses = options.statuses ?? [];
  const where = statuses.length ? `WHERE status IN (${statuses.map(() => '?').join(', ')})` : '';
  const rows = state.db
    .prepare(`SELECT * FROM runs ${where} ORDER BY created_at DESC, rowid DESC LIMIT ?`)
    .all(...statuses, options.limit ?? 50) as Raw[];
  return rows.map(toRun);
}

export interface RunPatch {
  readonly status?: RunStatus;
  readonly phase?: Phase | null;
  readonly pid?: number | null;
  readonly ticketId?: string | null;
  readonly result?: RunRow['result'];
  readonly error?: string | null;
  readonly recovery?: RecoveryPlan | null;
  readonly sessionId?: string | null;
  readonly costUsd?: number | null;
  readonly finished?: boolean;
}

const COLUMNS: Record<keyof Omit<RunPatch, 'finished'>, string> = {
  status: 'status',
  phase: 'phase',
  pid: 'pid',
  ticketId: 'ticket_id',
  result: 'result_json',
  error: 'error',
  recovery: 'recovery_json',
  sessionId: 'session_id',
  costUsd: 'cost_usd',
};

export function updateRun(state: StateDb, id: string, patch: RunPatch): void {
  const sets: string[] = ['updated_at = ?'];
  const params: (string | number | null)[] = [now()];
  for (const [k, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
    if (!(k in patch)) continue;
    const v = patch[k];
    sets.push(`${column} = ?`);
    params.push(v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : v);
  }
  if (patch.finished !== undefined) {
    sets.push('finished_at = ?');
    params.push(patch.finished ? now() : null);
  }
  state.stmt(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
}

/** Moves a run from one of `from` to `to`; false when it was in another status (another process won). */
export function transitionRun(state: StateDb, id: string, from: readonly RunStatus[], to: RunStatus): boolean {
  const changes = state
    .stmt(`UPDATE runs SET status = ?, updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`)
    .run(to, now(), id, ...from).changes;
  return Number(changes) > 0;
}

export function runStatus(state: StateDb, id: string): RunStatus | null {
  const row = state.stmt('SELECT status FROM runs WHERE id = ?').get(id) as { status: RunStatus } | undefined;
  return row?.status ?? null;
}

export function listSteps(state: StateDb, runId: string): StepRow[] {
  return (state.stmt('SELECT * FROM steps WHERE run_id = ? ORDER BY seq').all(runId) as Raw[]).map(toStep);
}

export function getStep(state: StateDb, runId: string, key: string): StepRow | null {
  const row = state.stmt('SELECT * FROM steps WHERE run_id = ? AND key = ?').get(runId, key) as Raw | undefined;
  return row ? toStep(row) : null;
}

export interface StepStart {
  readonly runId: string;
  readonly key: string;
  readonly agent: AgentKind;
  readonly instance: string | null;
  readonly phase: Phase;
  readonly name: string;
}

/** Creates the step row or re-opens it (a resumed run re-running a failed step). */
export function startStep(state: StateDb, s: StepStart): void {
  state.tx(() => {
    const existing = getStep(state, s.runId, s.key);
    if (existing) {
      state
        .stmt("UPDATE steps SET status = 'running', error = NULL, waiting_for = NULL, instance = ?, started_at = ?, finished_at = NULL, compensated = 0 WHERE id = ?")
        .run(s.instance, now(), existing.id);
      return;
    }
    const seq = (state.stmt('SELECT coalesce(max(seq), 0) + 1 AS n FROM steps WHERE run_id = ?').get(s.runId) as { n: number }).n;
    state
      .stmt("INSERT INTO steps (run_id, seq, key, agent, instance, phase, name, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)")
      .run(s.runId, seq, s.key, s.agent, s.instance, s.phase, s.name, now());
  });
}

export interface StepPatch {
  readonly status?: StepRow['status'];
  readonly attempts?: number;
  readonly output?: unknown;
  readonly error?: string | null;
  readonly waitingFor?: string | null;
}

export function updateStep(state: StateDb, runId: string, key: string, patch: StepPatch): void {
  const sets: string[] = [];
  const params: (string | number | null)[] = [];
  if (patch.status !== undefined) {
    sets.push('status = ?');
    params.push(patch.status);
    if (patch.status !== 'running' && patch.status !== 'waiting') {
      sets.push('finished_at = ?');
      params.push(now());
    }
    if (patch.status === 'compensated') sets.push('compensated = 1');
  }
  if (patch.attempts !== undefined) {
    sets.push('attempts = ?');
    params.push(patch.attempts);
  }
  if ('output' in patch) {
    sets.push('output_json = ?');
    params.push(patch.output === undefined ? null : JSON.stringify(patch.output));
  }
  if ('error' in patch) {
    sets.push('error = ?');
    params.push(patch.error ?? null);
  }
  if ('waitingFor' in patch) {
    sets.push('waiting_for = ?');
    params.push(patch.waitingFor ?? null);
  }
  if (sets.length === 0) return;
  state.stmt(`UPDATE steps SET ${sets.join(', ')} WHERE run_id = ? AND key = ?`).run(...params, runId, key);
}
