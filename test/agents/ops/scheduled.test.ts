// Local backup schedules: stored in the state db, run when due (as cron runs them), pruned to `keep`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups } from '../../../src/agents/ops/backup-records.js';
import { openLocalDb } from '../../../src/agents/ops/local-open.js';
import { isDue, lastSlot, listSchedules, SCHEDULES_KEY } from '../../../src/agents/ops/schedules.js';
import { setKv } from '../../../src/services/state/kv.js';
import { runScheduledBackups, startBackupScheduler, type ScheduledReport } from '../../../src/agents/ops/scheduled.js';
import { openState } from '../../../src/services/state/db.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

const VARS = ['SUPABASE_ACCESS_TOKEN', 'SUPABASE_PROJECT_REF', 'SUPABASE_DB_URL', 'DATABASE_URL'];
const saved: Record<string, string | undefined> = {};
let t: TestContext;

beforeAll(async () => {
  for (const k of VARS) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  t = makeContext({ agent: 'ops' });
  const db = await openLocalDb(t.root, {});
  await db.exec('create table t (id int); insert into t values (1), (2);');
  await db.close();
});

afterAll(() => {
  t.cleanup();
  for (const k of VARS) if (saved[k] !== undefined) process.env[k] = saved[k];
});

describe('schedule times', () => {
  it('finds the last slot and whether it is due', () => {
    const now = new Date('2026-11-20T10:00:00Z');
    expect(lastSlot('03:30', now).toISOString()).toBe('2026-11-20T03:30:00.000Z');
    expect(lastSlot('23:00', now).toISOString()).toBe('2026-11-19T23:00:00.000Z');
    const s = { time: '03:30', keep: null, createdAt: '2026-11-20T09:00:00Z', lastRunAt: null };
    expect(isDue(s, now)).toBe(false);
    expect(isDue(s, new Date('2026-11-21T03:31:00Z'))).toBe(true);
    expect(isDue({ ...s, lastRunAt: '2026-11-21T03:31:00Z' }, new Date('2026-11-21T12:00:00Z'))).toBe(false);
  });
});

describe('scheduled backups', () => {
  it('creates, lists and runs a schedule, keeping the newest', async () => {
    const created = await t.engine.dispatch('backup schedule create 3:30 --keep 2', { initiator: 'you' });
    expect(created.message).toMatch(/^daily backup scheduled at 03:30 UTC \(keeping the last 2\)/);
    const listed = await t.engine.dispatch('backup schedule list', { initiator: 'you' });
    expect(listed.message).toBe('1 daily backup schedule for the local database (03:30 UTC)');

    const createdAt = Date.parse(listSchedules(t.state)[0]!.createdAt);
    const day = (n: number) => new Date(lastSlot('03:30', new Date(createdAt)).getTime() + n * 86_400_000 + 60_000);

    expect((await runScheduledBackups({ root: t.root, now: new Date(createdAt + 1000) })).due).toBe(0);
    const reports: ScheduledReport[] = [];
    for (const n of [1, 2, 3]) reports.push(await runScheduledBackups({ root: t.root, now: day(n) }));
    expect(reports.map((r) => r.due)).toEqual([1, 1, 1]);
    expect(reports.every((r) => r.ok)).toBe(true);
    expect(reports[2]!.lines[0]).toMatch(/^✓ scheduled backup 03:30 UTC: bk-.* \(removed 1 older: bk-/);
    // The same day again: nothing more is due.
    expect((await runScheduledBackups({ root: t.root, now: day(3) })).due).toBe(0);

    const state = openState(t.root);
    try {
      const kept = listBackups(state).filter((b) => b.meta.reason === 'schedule');
      expect(kept).toHaveLength(2);
      const first = reports[0]!.runs[0]!.backupId!;
      expect(kept.map((b) => b.id)).not.toContain(first);
      expect(existsSync(join(t.root, '.agentdeck', 'backups', `${first}.tar.gz`))).toBe(false);
      expect(listSchedules(state)[0]?.lastBackupId).toBe(reports[2]!.runs[0]!.backupId);
    } finally {
      state.close();
    }
    const after = await t.engine.dispatch('backup schedule list --output json', { initiator: 'you' });
    expect(JSON.stringify(after.data)).toContain(reports[2]!.runs[0]!.backupId!);
  });

  it('reports a failed scheduled backup', async () => {
    const lines: string[] = [];
    const report = await runScheduledBackups({
      root: t.root,
      now: new Date(Date.now() + 5 * 86_400_000),
      dispatch: async (line) => {
        lines.push(line);
        return { ok: false, status: 'failed', message: 'disk full' };
      },
    });
    expect(lines).toEqual(['backup create --label "scheduled 03:30"']);
    expect(report.ok).toBe(false);
    expect(report.lines).toEqual(['✗ scheduled backup 03:30 UTC failed: disk full']);
  });

  it('the console timer runs what is due through its dispatch', async () => {
    setKv(t.state, SCHEDULES_KEY, [{ time: '00:00', keep: null, createdAt: new Date(Date.now() - 3 * 86_400_000).toISOString(), lastRunAt: null }]);
    const seen: string[] = [];
    const report = await new Promise<ScheduledReport>((resolve) => {
      const stop = startBackupScheduler(
        t.root,
        async (line) => {
          seen.push(line);
          return { ok: true, status: 'done', message: 'ok', data: { id: 'bk-x' } };
        },
        10,
        (r) => {
          stop();
          resolve(r);
        },
      );
    });
    expect(report.lines).toEqual(['✓ scheduled backup 00:00 UTC: bk-x']);
    expect(seen).toEqual(['backup create --label "scheduled 00:00"']);
    expect(listSchedules(t.state)[0]?.lastBackupId).toBe('bk-x');
  });
});
