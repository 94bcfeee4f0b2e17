import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireAll, listLocks, lockHolder, tryAcquire } from '../../../src/agents/orchestrator/locks.js';
import { listSteps } from '../../../src/agents/orchestrator/runs-repo.js';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { TEST_SPECS, appendCommand, appendHandlers, parsed } from './fixtures.js';

let t: TestContext;
afterEach(() => t.cleanup());

describe('locks', () => {
  it('queues a conflicting run until the lock is free, and shows what it waits for', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let waitingSeen: string | null = null;
    t = makeContext({
      extra: {
        specs: TEST_SPECS,
        handlers: appendHandlers({
          before: async (n) => {
            // The first run holds db:local inside its first step until released.
            if (n === 1 && !waitingSeen) {
              waitingSeen = 'holding';
              await gate;
            }
          },
        }),
      },
      config: { agents: { concurrency: { ops: 4 } } },
    });
    const a = join(t.root, 'a.txt');
    const first = t.engine.dispatch(parsed(appendCommand, { file: a, count: 2, locks: ['db:local'] }), { initiator: 'you' });
    await new Promise((r) => setTimeout(r, 20));
    const second = t.engine.dispatch(parsed(appendCommand, { file: a, count: 1, locks: ['db:local', 'deploy:staging'] }), { initiator: 'you' });
    await new Promise((r) => setTimeout(r, 80));
    const waiting = t.events.find((e) => e.kind === 'step' && (e.data as { step: { status: string } }).step.status === 'waiting');
    expect(waiting?.message).toBe('append 1: waiting for db:local held by RUN-0002');
    expect(t.events.some((e) => e.kind === 'agent' && (e.data as { state: string }).state === 'waiting_lock')).toBe(true);
    expect(listSteps(t.state, 'RUN-0003')[0]).toMatchObject({ status: 'waiting', waitingFor: 'db:local held by RUN-0002' });
    expect(lockHolder(t.state, 'db:local')).toMatchObject({ holder: 'RUN-0002', pid: process.pid });
    release();
    const [r1, r2] = await Promise.all([first, second]);
    expect([r1.ok, r2.ok]).toEqual([true, true]);
    // The second run's step ran only after the first one's step finished.
    const order = t.events
      .filter((e) => e.kind === 'step')
      .map((e) => `${e.runId} ${(e.data as { step: { key: string; status: string } }).step.key} ${(e.data as { step: { status: string } }).step.status}`);
    expect(order.indexOf('RUN-0002 UNDERSTAND:append 1 done')).toBeLessThan(order.indexOf('RUN-0003 UNDERSTAND:append 1 running'));
    expect(readFileSync(a, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['1', '1', '2']);
    expect(listLocks(t.state)).toEqual([]);
  });

  it('takes over a lock whose process is dead', async () => {
    t = makeContext();
    t.state.db.prepare("INSERT INTO locks (name, holder, pid, run_id, acquired_at) VALUES ('db:local', 'RUN-0999', 2147483646, NULL, 'x')").run();
    expect(tryAcquire(t.state, 'db:local', 'me', null)).toEqual({ ok: true });
    expect(lockHolder(t.state, 'db:local')).toMatchObject({ holder: 'me', pid: process.pid });
    // Held by a live process (this one) for another holder: refused.
    expect(tryAcquire(t.state, 'db:local', 'other', null)).toMatchObject({ ok: false, holder: { holder: 'me' } });
  });

  it('gives up waiting when the run is stopped', async () => {
    t = makeContext();
    tryAcquire(t.state, 'worktree:BUG-2026-001', 'someone', null);
    const stop = new AbortController();
    const waiting = acquireAll(t.state, ['worktree:BUG-2026-001'], 'me', null, { signal: stop.signal, pollMs: 5 });
    setTimeout(() => stop.abort(new Error('stopped')), 30);
    await expect(waiting).rejects.toThrow('stopped');
    expect(lockHolder(t.state, 'worktree:BUG-2026-001')?.holder).toBe('someone');
  });
});
