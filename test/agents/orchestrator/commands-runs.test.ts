import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getRun, listSteps } from '../../../src/agents/orchestrator/runs-repo.js';
import { listAudit, appendAudit } from '../../../src/services/state/audit.js';
import { countEvents } from '../../../src/services/state/events.js';
import { makeContext, type MakeContextOptions, type TestContext } from '../../helpers/context.js';
import { TEST_SPECS, appendCommand, appendHandlers, deployish, parsed } from './fixtures.js';

let t: TestContext;
afterEach(() => t.cleanup());
const you = { initiator: 'you' };

/** A context whose test runs stop inside step `at` until `release()` is called. */
function withGate(at: number, config?: MakeContextOptions['config']) {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const atGate = new Promise<void>((r) => (reached = r));
  let armed = true;
  t = makeContext({
    config,
    run: false,
    extra: {
      specs: TEST_SPECS,
      handlers: appendHandlers({
        before: async (n) => {
          if (n === at && armed) {
            armed = false;
            reached();
            await gate;
          }
        },
      }),
    },
  });
  return { release, atGate };
}

describe('emergency stop all', () => {
  it('cancels every active run at a safe point: the current step finishes, nothing after it runs', async () => {
    const { release, atGate } = withGate(2);
    const file = join(t.root, 'side.txt');
    const running = t.engine.dispatch(parsed(appendCommand, { file, count: 4 }), you);
    const waiting = await t.engine.dispatch(parsed(deployish, { env: 'production' }), you);
    await atGate;
    const stop = await t.engine.dispatch('emergency stop all', you);
    expect(stop).toMatchObject({ ok: true, message: 'Stopped everything: 2 run(s) cancelled at a safe point' });
    release();
    const r = await running;
    expect(r).toMatchObject({ ok: false, status: 'cancelled' });
    // Step 2 was in progress and completed whole; steps 3 and 4 never started.
    expect(readFileSync(file, 'utf8')).toBe('1\n2\n');
    expect(listSteps(t.state, r.runId as string).map((s) => s.status)).toEqual(['done', 'done']);
    expect(getRun(t.state, r.runId as string)?.status).toBe('cancelled');
    expect(getRun(t.state, waiting.runId as string)?.status).toBe('cancelled');
    expect(listAudit(t.state).some((a) => a.action === 'emergency stop all' && a.result === '2 run(s) cancelled')).toBe(true);
  });
});

describe('agents restart all', () => {
  it('interrupts runs at a safe point; resume finishes them', async () => {
    const { release, atGate } = withGate(1);
    const file = join(t.root, 'side.txt');
    const running = t.engine.dispatch(parsed(appendCommand, { file, count: 3 }), you);
    await atGate;
    const restart = await t.engine.dispatch('agents restart all', you);
    expect(restart.message).toMatch(/^Restarted agents: 1 run\(s\) interrupted at a safe point \(`resume <run>` continues them: RUN-0001\); Reloaded agentdeck.config.json/);
    release();
    const r = await running;
    expect(r.status).toBe('cancelled');
    expect(getRun(t.state, 'RUN-0001')?.status).toBe('interrupted');
    expect(readFileSync(file, 'utf8')).toBe('1\n');
    const resumed = await t.engine.dispatch('resume RUN-0001', you);
    expect(resumed).toMatchObject({ ok: true, status: 'done' });
    expect(readFileSync(file, 'utf8')).toBe('1\n2\n3\n');
    // The restarted pool numbers instances afresh.
    expect(t.events.filter((e) => e.kind === 'agent' && (e.data as { state: string }).state === 'starting').map((e) => e.instance)).toEqual(['ops-1', 'ops-1']);
  });
});

describe('cancel and resume', () => {
  it('cancels a waiting run, refuses what cannot be cancelled or resumed', async () => {
    t = makeContext({ extra: { specs: TEST_SPECS, handlers: appendHandlers() } });
    const waiting = await t.engine.dispatch(parsed(deployish, { env: 'production' }), you);
    expect(await t.engine.dispatch(`cancel ${waiting.runId}`, you)).toMatchObject({ ok: true, message: `Cancelled ${waiting.runId}` });
    expect(await t.engine.dispatch(`cancel ${waiting.runId}`, you)).toMatchObject({ ok: false, message: `${waiting.runId} is cancelled: nothing to cancel` });
    expect(await t.engine.dispatch('cancel RUN-0404', you)).toMatchObject({ ok: false, message: 'no run RUN-0404 (see `status` for recent runs)' });
    expect(await t.engine.dispatch('resume RUN-0404', you)).toMatchObject({ ok: false, message: 'no run RUN-0404 (see `status` for recent runs)' });
    // The context's own run is active in this process: not resumable.
    expect(await t.engine.dispatch(`resume ${t.ctx.runId}`, you)).toMatchObject({ ok: false, error: { code: 'busy' } });
  });

  it('stops a run owned by another live process through its row', async () => {
    t = makeContext();
    t.state.db.prepare("UPDATE runs SET pid = ? WHERE id = ?").run(process.ppid, t.ctx.runId);
    const r = await t.engine.dispatch(`cancel ${t.ctx.runId}`, you);
    expect(r.message).toBe(`Cancelling ${t.ctx.runId} at its next safe point`);
    expect(getRun(t.state, t.ctx.runId as string)?.status).toBe('cancelling');
    await expect(t.ctx.step('ANALYZE', 'after', () => Promise.resolve(1))).rejects.toThrow(`${t.ctx.runId} was cancelled`);
  });
});

describe('agent concurrency', () => {
  it('queues a run while its agent kind is at the limit', async () => {
    const { release, atGate } = withGate(1, { agents: { concurrency: { ops: 1 } } });
    const file = join(t.root, 'side.txt');
    const first = t.engine.dispatch(parsed(appendCommand, { file, count: 1 }), you);
    await atGate;
    const second = t.engine.dispatch(parsed(appendCommand, { file, count: 1 }), you);
    await new Promise((r) => setTimeout(r, 20));
    expect(t.events.some((e) => e.message === 'Waiting for a free Ops (limit 1)')).toBe(true);
    expect(t.engine.pool.active().map((i) => i.id)).toEqual(['ops-1']);
    release();
    expect((await Promise.all([first, second])).map((r) => r.ok)).toEqual([true, true]);
    expect(t.events.filter((e) => e.kind === 'agent' && (e.data as { state: string }).state === 'starting').map((e) => e.instance)).toEqual(['ops-1', 'ops-2']);
  });
});

describe('nested runs', () => {
  it('an approval given from a routed request resumes a run of the same agent kind without deadlock', async () => {
    t = makeContext({ run: false, config: { approvals: { policy: { agentConfigChange: true } }, agents: { concurrency: { orchestrator: 1 } } } });
    const waiting = await t.engine.dispatch('agents update config concurrency.ops=2', you);
    expect(waiting).toMatchObject({ status: 'waiting_approval', approvalId: 'APR-0001' });
    const r = await t.engine.dispatch('please approve APR-0001', you);
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/^Approved APR-0001; Updated concurrency.ops: /);
    expect(t.engine.pool.limit('ops')).toBe(2);
  });

  it('a run stopped while it waits for a free agent ends cancelled', async () => {
    const { release, atGate } = withGate(1, { agents: { concurrency: { ops: 1 } } });
    const file = join(t.root, 'side.txt');
    const first = t.engine.dispatch(parsed(appendCommand, { file, count: 1 }), you);
    await atGate;
    const second = t.engine.dispatch(parsed(appendCommand, { file, count: 1 }), you);
    await new Promise((r) => setTimeout(r, 20));
    expect(await t.engine.dispatch('cancel RUN-0002', you)).toMatchObject({ ok: true, message: 'Cancelling RUN-0002 at its next safe point' });
    expect(await second).toMatchObject({ status: 'cancelled', message: 'RUN-0002 was cancelled by you' });
    release();
    expect((await first).ok).toBe(true);
  });
});

describe('agents update config and purge logs', () => {
  it('changes a setting in agentdeck.config.json and applies it', async () => {
    t = makeContext();
    const r = await t.engine.dispatch('agents update config concurrency.ops=3 approvals.ttlminutes=15 approvals.policy.stagingdeployment=true', you);
    expect(r.ok).toBe(true);
    expect(r.message).toContain('ops 3');
    expect(r.message).toContain('approvals expire after 15 min');
    expect(JSON.parse(readFileSync(join(t.root, 'agentdeck.config.json'), 'utf8'))).toEqual({
      agents: { concurrency: { ops: 3 } },
      approvals: { ttlMinutes: 15, policy: { stagingDeployment: true } },
    });
    expect(t.engine.pool.limit('ops')).toBe(3);
    const bad = await t.engine.dispatch('agents update config concurrency.robot=2', you);
    expect(bad).toMatchObject({ ok: false, message: 'concurrency.robot: unknown agent (accepted: orchestrator, bughunter, codesmith, migrator, stage, ops)' });
    const out = await t.engine.dispatch('agents update config concurrency.ops=99', you);
    expect(out.message).toBe('agentdeck.config.json: agents.concurrency.ops: expected a whole number from 1 to 16, got 99');
  });

  it('reloads the file and reports a broken one in one line', async () => {
    t = makeContext();
    writeFileSync(join(t.root, 'agentdeck.config.json'), '{"agents": {"concurrency": {"bughunter": 5}}}');
    expect((await t.engine.dispatch('agents update config', you)).message).toContain('bughunter 5');
    writeFileSync(join(t.root, 'agentdeck.config.json'), '{"agents": ');
    const r = await t.engine.dispatch('agents update config', you);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^agentdeck.config.json: not valid JSON/);
  });

  it('purges old events and never the audit trail', async () => {
    t = makeContext();
    const old = Date.now() - 40 * 86_400_000;
    for (let i = 0; i < 5; i++) t.bus.emit({ agent: 'ops', kind: 'log', level: 'info', message: `old ${i}`, ts: old });
    appendAudit(t.state, { initiator: 'you', action: 'old thing', result: 'done' });
    t.bus.flush();
    const before = countEvents(t.state);
    const r = await t.engine.dispatch('agents purge logs --older-than 30', you);
    expect(r).toMatchObject({ ok: true, message: 'Purged 5 log event(s) older than 30 day(s); the audit trail is kept' });
    t.bus.flush();
    expect(countEvents(t.state)).toBeGreaterThanOrEqual(before - 5);
    expect(listAudit(t.state, { limit: 1000 }).some((a) => a.action === 'old thing')).toBe(true);
    expect(existsSync(join(t.root, '.agentdeck', 'state.db'))).toBe(true);
  });
});
