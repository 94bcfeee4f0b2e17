// The local round trip as a user runs it, with the built binary: `agentdeck run "backup create"`,
// the data changes, `agentdeck run "backup restore <id>"` waits for an approval, `agentdeck run
// "approve ..."` restores it; and `agentdeck backup run-scheduled` as cron runs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget } from '../../../src/services/postgres/index.js';
import { setKv } from '../../../src/services/state/kv.js';
import { openState } from '../../../src/services/state/db.js';
import { SCHEDULES_KEY } from '../../../src/agents/ops/schedules.js';
import { buildIfStale, runBinary, runBinaryTty, type Ran } from '../../helpers/binary.js';
import { tempDir } from '../../helpers/tmp.js';



let root: string;
let cleanup: () => void;

function agentdeck(args: string[]): Promise<Ran> {
  return runBinary(args, root);
}

async function sql(text: string): Promise<Record<string, unknown>[]> {
  const db = openTarget({ root, env: {} });
  try {
    return (await db.exec(text)).at(-1)?.rows ?? [];
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  buildIfStale();
  ({ dir: root, cleanup } = tempDir('agentdeck-ops-cli-'));
  await sql(`create table customers (id int primary key, name text); insert into customers select g, 'customer ' || g from generate_series(1, 30) g;`);
}, 120_000);

afterAll(() => cleanup?.());

describe('agentdeck run: local backup round trip', () => {
  it('backs up, restores after approval, and the data is back', async () => {
    const created = await agentdeck(['run', 'backup create --output json', '--json']);
    expect(created.code, created.err).toBe(0);
    const id = (JSON.parse(created.out) as { result: { data: { id: string } } }).result.data.id;
    expect(id).toMatch(/^bk-/);

    await sql('delete from customers where id > 3');
    const waiting = await agentdeck(['run', `backup restore ${id}`, '--json']);
    const pending = (JSON.parse(waiting.out) as { result: { status: string; approvalId: string } }).result;
    expect(pending.status).toBe('waiting_approval');
    expect((await sql('select count(*)::int as n from customers'))[0]?.n).toBe(3);

    // A person at a terminal decides (a script without one may not).
    const approved = await runBinaryTty(['run', `approve ${pending.approvalId} --confirm ${id}`], root);
    expect(approved.code, approved.out + approved.err).toBe(0);
    expect(approved.out).toContain(`[OPS] ✓ Restored the local database from ${id}`);
    expect((await sql('select count(*)::int as n from customers'))[0]?.n).toBe(30);
  });

  it('runs due schedules from cron', async () => {
    const state = openState(root);
    setKv(state, SCHEDULES_KEY, [{ time: '00:00', keep: 1, createdAt: new Date(Date.now() - 2 * 86_400_000).toISOString(), lastRunAt: null }]);
    state.close();
    const first = await agentdeck(['backup', 'run-scheduled']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^✓ scheduled backup 00:00 UTC: bk-/);
    const again = await agentdeck(['backup', 'run-scheduled']);
    expect(again.out.trim()).toBe('no scheduled backup is due');
  });
});
