// Locks a run holds for a whole section (ctx.hold): queued behind another live run with a line
// naming the lock and its holder, bounded by a timeout that says so, kept across the steps that
// ask for the same lock, and released when the run ends.
import { afterEach, describe, expect, it } from 'vitest';
import { lockHolder, tryAcquire } from '../../../src/agents/orchestrator/locks.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

let t: TestContext;
afterEach(() => t.cleanup());

describe('ctx.hold', () => {
  it('waits for a lock another live run holds, says for what, and gives up after the timeout saying so', async () => {
    t = makeContext({ lockTimeoutMs: 300 });
    const other = t.engine.context({ agent: 'stage' });
    expect(tryAcquire(t.state, 'deploy:staging', other.runId!, other.runId)).toEqual({ ok: true });
    const mine = t.engine.context({ agent: 'stage' });
    const error = await mine.hold(['deploy:staging']).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(new RegExp(`^gave up waiting for deploy:staging held by ${other.runId} after \\d+ s; run it again once ${other.runId} has finished`));
    expect(t.lines()).toContain(`[STAGE] waiting for deploy:staging held by ${other.runId} (up to 1 min)`);
    expect(lockHolder(t.state, 'deploy:staging')?.holder).toBe(other.runId);
  });

  it('takes the lock once the holder lets go, and a step asking for it again leaves it held', async () => {
    t = makeContext({ lockTimeoutMs: 60_000 });
    const other = t.engine.context({ agent: 'stage' });
    tryAcquire(t.state, 'deploy:staging', other.runId!, other.runId);
    const mine = t.engine.context({ agent: 'stage' });
    const held = mine.hold(['deploy:staging']);
    await new Promise((r) => setTimeout(r, 60));
    expect(lockHolder(t.state, 'deploy:staging')?.holder).toBe(other.runId);
    t.state.db.prepare('DELETE FROM locks WHERE holder = ?').run(other.runId!);
    await held;
    expect(lockHolder(t.state, 'deploy:staging')?.holder).toBe(mine.runId);
    await mine.step('EXECUTE', 'merge', async () => 'merged', { locks: ['deploy:staging', 'worktree:X'] });
    // The step's own lock is released; the held one stays with the run for what follows.
    expect(lockHolder(t.state, 'worktree:X')).toBeNull();
    expect(lockHolder(t.state, 'deploy:staging')?.holder).toBe(mine.runId);
  });

  it('needs a run', async () => {
    t = makeContext({ run: false });
    const query = t.engine.context({ agent: 'stage', run: false });
    await expect(query.hold(['db:local'])).rejects.toThrow('holding db:local needs a run; only run-mode commands can hold locks');
  });
});
