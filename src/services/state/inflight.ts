// Rows of side effects in flight (a backup being written, a deployment under way), each owned by
// the process that started it. A row whose process died before it finished is reconciled at the
// next start: its status becomes 'failed' (with the reason) and its partial files are removed, so
// nothing stays `running` forever. A row kept for its run (a deployment) is left alone while the
// run can still be resumed: the resumed run finishes it.
import { rmSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { pidAlive } from '../process.js';
import type { StateDb } from './db.js';
import { parseJson } from './db.js';

/** The tables whose rows can be in flight; each has `id`, `status`, `finished_at` and `data_json`. */
export type InflightKind = 'backups' | 'deployments';
const KINDS: readonly InflightKind[] = ['backups', 'deployments'];

export interface InflightStart {
  readonly kind: InflightKind;
  readonly rowId: string;
  readonly runId?: string | null;
  /** Resumed with its run (reconciled only once the run has ended). */
  readonly keepForRun?: boolean;
  /** Files (relative to the project root) that are partial until the row finishes. */
  readonly files?: readonly string[];
}

export function beginInflight(state: StateDb, start: InflightStart): void {
  state
    .stmt('INSERT OR REPLACE INTO inflight (kind, row_id, pid, run_id, keep_for_run, files_json, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(start.kind, start.rowId, process.pid, start.runId ?? null, start.keepForRun ? 1 : 0, JSON.stringify(start.files ?? []), new Date().toISOString());
}

/** The row finished (whatever its outcome): it is no longer in flight. */
export function endInflight(state: StateDb, kind: InflightKind, rowId: string): void {
  state.stmt('DELETE FROM inflight WHERE kind = ? AND row_id = ?').run(kind, rowId);
}

export interface Reconciled {
  readonly kind: InflightKind;
  readonly rowId: string;
  readonly pid: number;
  readonly removed: readonly string[];
}

interface Row {
  kind: string;
  row_id: string;
  pid: number;
  run_id: string | null;
  keep_for_run: number;
  files_json: string | null;
}

/** Reconciles the rows whose process is gone; returns what it did. */
export function reconcileInflight(state: StateDb, root: string): Reconciled[] {
  const rows = state.stmt('SELECT * FROM inflight').all() as unknown as Row[];
  const out: Reconciled[] = [];
  for (const r of rows) {
    const kind = KINDS.find((k) => k === r.kind);
    if (!kind || pidAlive(r.pid)) continue;
    if (r.keep_for_run === 1 && r.run_id !== null && runOpen(state, r.run_id)) continue;
    const outcome = state.tx((): 'failed' | 'finished' | 'taken' => {
      // Re-read inside the transaction: another process may have reconciled it meanwhile.
      if (!state.stmt('SELECT 1 FROM inflight WHERE kind = ? AND row_id = ? AND pid = ?').get(kind, r.row_id, r.pid)) return 'taken';
      const current = state.db.prepare(`SELECT data_json FROM ${kind} WHERE id = ? AND status = 'running'`).get(r.row_id) as { data_json: string | null } | undefined;
      if (current) {
        const data = { ...parseJson<Record<string, unknown>>(current.data_json, {}), error: `interrupted: process ${r.pid} ended before it finished` };
        state.db.prepare(`UPDATE ${kind} SET status = 'failed', finished_at = ?, data_json = ? WHERE id = ?`).run(new Date().toISOString(), JSON.stringify(data), r.row_id);
      }
      endInflight(state, kind, r.row_id);
      return current ? 'failed' : 'finished';
    });
    if (outcome === 'taken') continue;
    const removed: string[] = [];
    // The files are partial only when the row never finished.
    for (const file of outcome === 'failed' ? parseJson<string[]>(r.files_json, []) : []) {
      const abs = join(root, file);
      // Only files inside the project are ever removed.
      if (isAbsolute(file) || relative(root, abs).startsWith('..')) continue;
      rmSync(abs, { force: true, recursive: true });
      removed.push(file);
    }
    out.push({ kind, rowId: r.row_id, pid: r.pid, removed });
  }
  return out;
}

/** A run that has not ended (it can still be resumed). */
function runOpen(state: StateDb, runId: string): boolean {
  const run = state.stmt('SELECT finished_at FROM runs WHERE id = ?').get(runId) as { finished_at: string | null } | undefined;
  return run !== undefined && run.finished_at === null;
}
