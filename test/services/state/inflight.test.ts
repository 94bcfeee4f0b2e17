// Side effects left in flight by a process that died: reconciled at the next start (marked failed,
// partial files removed), never left `running`; those of live processes, and a deployment whose run
// can still be resumed, are left alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishBackup, getBackup, insertBackup } from '../../../src/agents/ops/backup-records.js';
import { insertRun, updateRun } from '../../../src/agents/orchestrator/runs-repo.js';
import { getDeployment, insertDeployment } from '../../../src/agents/stage/deployments.js';
import { openState, type StateDb } from '../../../src/services/state/db.js';
import { reconcileInflight } from '../../../src/services/state/inflight.js';
import { makeContext } from '../../helpers/context.js';
import { tempDir } from '../../helpers/tmp.js';

let root: string;
let cleanup: () => void;
let state: StateDb;
/** The pid of a real process that has ended. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir('agentdeck-inflight-'));
  state = openState(root);
});
afterEach(() => {
  state.close();
  cleanup();
});

function runningBackup(id: string): string {
  const rel = `.agentdeck/backups/${id}.tar.gz`;
  mkdirSync(join(root, '.agentdeck', 'backups'), { recursive: true });
  writeFileSync(join(root, rel), 'partial');
  insertBackup(state, { id, target: 'local', kind: 'pglite-datadir', path: rel, status: 'running', createdAt: new Date().toISOString(), meta: {} });
  return rel;
}
const ownBy = (pid: number, rowId: string): void => void state.db.prepare('UPDATE inflight SET pid = ? WHERE row_id = ?').run(pid, rowId);

describe('reconcileInflight', () => {
  it('marks a backup of a dead process failed and removes its partial archive; a live one stays running', () => {
    const dead = runningBackup('bk-dead');
    const live = runningBackup('bk-live');
    const pid = deadPid();
    ownBy(pid, 'bk-dead');
    const out = reconcileInflight(state, root);
    expect(out).toEqual([{ kind: 'backups', rowId: 'bk-dead', pid, removed: [dead] }]);
    expect(getBackup(state, 'bk-dead')).toMatchObject({ status: 'failed', meta: { error: `interrupted: process ${pid} ended before it finished` } });
    expect(existsSync(join(root, dead))).toBe(false);
    expect(getBackup(state, 'bk-live')?.status).toBe('running');
    expect(existsSync(join(root, live))).toBe(true);
    // Once reconciled, it is not reconciled again.
    expect(reconcileInflight(state, root)).toEqual([]);
  });

  it('a finished backup leaves no row in flight, and keeps its archive', () => {
    const rel = runningBackup('bk-done');
    finishBackup(state, 'bk-done', { status: 'completed', checksum: 'sha256:x', sizeBytes: 7 });
    expect(state.db.prepare('SELECT * FROM inflight').all()).toEqual([]);
    expect(reconcileInflight(state, root)).toEqual([]);
    expect(existsSync(join(root, rel))).toBe(true);
  });

  it('never removes a file outside the project', () => {
    const outside = tempDir('agentdeck-outside-');
    try {
      writeFileSync(join(outside.dir, 'keep.txt'), 'keep');
      insertBackup(state, { id: 'bk-x', target: 'local', kind: 'pg_dump', path: join(outside.dir, 'keep.txt'), status: 'running', createdAt: new Date().toISOString(), meta: {} });
      state.db.prepare("UPDATE inflight SET files_json = ? WHERE row_id = 'bk-x'").run(JSON.stringify(['../' + join(outside.dir, 'keep.txt'), join(outside.dir, 'keep.txt')]));
      ownBy(deadPid(), 'bk-x');
      expect(reconcileInflight(state, root)[0]?.removed).toEqual([]);
      expect(existsSync(join(outside.dir, 'keep.txt'))).toBe(true);
    } finally {
      outside.cleanup();
    }
  });

  it('leaves a deployment to its run while the run can be resumed, and fails it once the run has ended', () => {
    const run = insertRun(state, { line: 'deploy staging --ticket TASK-2026-001', commandId: 'deploy', args: {}, agent: 'stage', initiator: 'you', ticketId: null, runtime: 'deterministic' });
    const d = insertDeployment(state, { ticketId: 'TASK-2026-001', env: 'staging', branch: 'b', commitSha: 'c', runId: run.id });
    ownBy(deadPid(), d.id);
    updateRun(state, run.id, { status: 'interrupted' });
    expect(reconcileInflight(state, root)).toEqual([]);
    expect(getDeployment(state, d.id)?.status).toBe('running');
    updateRun(state, run.id, { status: 'cancelled', finished: true });
    expect(reconcileInflight(state, root).map((r) => r.rowId)).toEqual([d.id]);
    expect(getDeployment(state, d.id)?.status).toBe('failed');
  });

  it('runs at engine start, audited and announced', () => {
    runningBackup('bk-ghost');
    const pid = deadPid();
    ownBy(pid, 'bk-ghost');
    state.close();
    const t = makeContext({ root, run: false });
    try {
      expect(getBackup(t.state, 'bk-ghost')?.status).toBe('failed');
      const audit = t.state.db.prepare("SELECT result FROM audit WHERE action = 'reconcile backup bk-ghost'").all() as { result: string }[];
      expect(audit).toHaveLength(1);
      expect(audit[0]?.result).toContain(`failed: process ${pid} ended before it finished`);
    } finally {
      t.cleanup();
      state = openState(root);
    }
  });
});
