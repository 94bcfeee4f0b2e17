// Runs the local backup schedules that are due: from cron (`agentdeck backup run-scheduled`) and
// from the console's timer. Each backup goes through the engine as `backup create` with the
// initiator `schedule`, so it is a durable run with its audit entries and events like any other;
// then the schedule's `keep` prunes its older backups.
import { loadEnv } from '../../services/config/env.js';
import { collectSecrets } from '../../services/config/secrets.js';
import { createBus } from '../../services/events/bus.js';
import { openState } from '../../services/state/db.js';
import { createEngine } from '../orchestrator/engine.js';
import type { CommandResult } from '../types.js';
import { removeArchive } from './archive.js';
import { listBackups, markDeleted } from './backup-records.js';
import { isDue, listSchedules, recordRun, type LocalSchedule } from './schedules.js';
import { withOpsState } from './state.js';

export type Dispatch = (line: string, options: { initiator: string }) => Promise<CommandResult>;

export interface ScheduledRun {
  readonly time: string;
  readonly backupId: string | null;
  readonly error: string | null;
  readonly pruned: readonly string[];
}

export interface ScheduledReport {
  readonly due: number;
  readonly runs: readonly ScheduledRun[];
  /** One line per run, for the CLI and the log. */
  readonly lines: readonly string[];
  readonly ok: boolean;
}

export interface RunScheduledOptions {
  readonly root: string;
  readonly now?: Date;
  /** The console's engine dispatch; without it an engine is opened for the call. */
  readonly dispatch?: Dispatch;
}

export function labelOf(time: string): string {
  return `scheduled ${time}`;
}

export async function runScheduledBackups(options: RunScheduledOptions): Promise<ScheduledReport> {
  const now = options.now ?? new Date();
  const due = (await withOpsState(options.root, (s) => listSchedules(s))).filter((s) => isDue(s, now));
  if (due.length === 0) return { due: 0, runs: [], lines: ['no scheduled backup is due'], ok: true };
  if (options.dispatch) return runDue(options.root, due, now, options.dispatch);

  const state = openState(options.root);
  const bus = createBus({ state, secrets: collectSecrets(loadEnv(options.root).all) });
  const engine = createEngine({ root: options.root, state, bus, approvalCheckMs: 0 });
  try {
    return await runDue(options.root, due, now, (line, o) => engine.dispatch(line, o));
  } finally {
    engine.close();
    bus.close();
    state.close();
  }
}

async function runDue(root: string, due: readonly LocalSchedule[], now: Date, dispatch: Dispatch): Promise<ScheduledReport> {
  const runs: ScheduledRun[] = [];
  for (const s of due) {
    const r = await dispatch(`backup create --label "${labelOf(s.time)}"`, { initiator: 'schedule' });
    const backupId = r.ok ? ((r.data as { id?: string } | undefined)?.id ?? null) : null;
    const error = r.ok ? null : r.message;
    await withOpsState(root, (st) => recordRun(st, s.time, now, { backupId: backupId ?? undefined, error: error ?? undefined }));
    const pruned = r.ok && s.keep ? await prune(root, s) : [];
    runs.push({ time: s.time, backupId, error, pruned });
  }
  const lines = runs.map((r) =>
    r.error
      ? `✗ scheduled backup ${r.time} UTC failed: ${r.error}`
      : `✓ scheduled backup ${r.time} UTC: ${r.backupId ?? '?'}${r.pruned.length ? ` (removed ${r.pruned.length} older: ${r.pruned.join(', ')})` : ''}`,
  );
  return { due: due.length, runs, lines, ok: runs.every((r) => !r.error) };
}

/** Deletes this schedule's backups beyond its `keep`, oldest first. */
async function prune(root: string, s: LocalSchedule): Promise<string[]> {
  return withOpsState(root, async (state) => {
    const mine = listBackups(state).filter((b) => b.status === 'completed' && b.meta.reason === 'schedule' && b.meta.label === labelOf(s.time));
    const extra = mine.slice(s.keep ?? mine.length);
    for (const b of extra) {
      await removeArchive(root, b);
      markDeleted(state, b.id);
    }
    return extra.map((b) => b.id);
  });
}

/**
 * The console's timer: checks every `intervalMs` (default a minute) and runs what is due through
 * the console's own dispatch. Returns a stop function.
 */
export function startBackupScheduler(root: string, dispatch: Dispatch, intervalMs = 60_000, onReport?: (r: ScheduledReport) => void): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    runScheduledBackups({ root, dispatch })
      .then((r) => {
        if (r.due > 0) onReport?.(r);
      })
      .catch((error: unknown) => onReport?.({ due: 0, runs: [], lines: [`✗ scheduled backups: ${(error as Error).message}`], ok: false }))
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
