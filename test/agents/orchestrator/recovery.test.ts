import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { arg, defineCommand } from '../../../src/commands/define.js';
import { CommandError, handle, ok, type HandlerTable } from '../../../src/agents/types.js';
import { getRun, listSteps } from '../../../src/agents/orchestrator/runs-repo.js';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { parsed } from './fixtures.js';

const multi = defineCommand({
  id: 'test multi',
  args: [arg('mode', 'word', z.string(), { description: 'x', accepts: 'x' })],
  flags: [],
  summary: 'x',
  help: 'x',
  examples: ['test multi x'],
  agent: 'migrator',
  approval: null,
  mode: 'run',
});

let undone: string[] = [];
let failNext = true;
const handlers: HandlerTable = Object.fromEntries([
  handle(multi, async (ctx, args) => {
    const undo = (name: string) => (out: unknown) => {
      if (args.mode === 'undo-fails' && name === 'b') return Promise.reject(new Error('b cannot be undone'));
      undone.push(`${name}:${JSON.stringify(out)}`);
      return Promise.resolve();
    };
    await ctx.step('ANALYZE', 'read schema', () => Promise.resolve({ tables: 3 }));
    await ctx.step('EXECUTE', 'a', () => Promise.resolve({ made: 'a' }), { compensate: undo('a') });
    await ctx.step('EXECUTE', 'b', () => Promise.resolve({ made: 'b' }), { compensate: undo('b') });
    if (args.mode === 'no-undo') await ctx.step('EXECUTE', 'send mail', () => Promise.resolve({ sent: true }));
    await ctx.step('EXECUTE', 'c', () => Promise.resolve({ made: 'c' }), { compensate: undo('c') });
    await ctx.step('VERIFY', 'check', () => {
      if (failNext) return Promise.reject(new CommandError('check_failed', 'row count differs'));
      return Promise.resolve({ errors: 0 });
    });
    return ok('migrated');
  }),
]);

let t: TestContext;
afterEach(() => t.cleanup());
function setup(): TestContext {
  undone = [];
  failNext = true;
  t = makeContext({ extra: { specs: [multi], handlers } });
  return t;
}
const run = (mode: string) => t.engine.dispatch(parsed(multi, { mode }), { initiator: 'you' });

describe('recovery', () => {
  it('rolls back completed steps in reverse order and keeps a plan', async () => {
    setup();
    const r = await run('clean');
    expect(undone).toEqual(['c:{"made":"c"}', 'b:{"made":"b"}', 'a:{"made":"a"}']);
    expect(r).toMatchObject({ ok: false, status: 'failed', message: 'row count differs; rolled back 3 step(s)' });
    const runRow = getRun(t.state, r.runId as string);
    expect(runRow?.recovery).toMatchObject({ failedStep: 'check', rolledBack: ['c', 'b', 'a'], leftInPlace: [], compensationFailures: [] });
    expect(runRow?.recovery?.actions).toContain(`Fix the cause (row count differs), then run \`resume ${r.runId}\` to retry from "check"`);
    expect(listSteps(t.state, r.runId as string).map((s) => `${s.name}:${s.status}`)).toEqual(['read schema:done', 'a:compensated', 'b:compensated', 'c:compensated', 'check:failed']);
    expect(t.lines()).toEqual(expect.arrayContaining(['[MIGRATOR] ⚠ Rolling back: c', '[MIGRATOR] ✓ Rolled back: a']));

    // Resuming re-runs what was rolled back, then the failed step; nothing is skipped wrongly.
    failNext = false;
    undone = [];
    const again = await t.engine.resume(r.runId as string, { initiator: 'you' });
    expect(again).toMatchObject({ ok: true, status: 'done' });
    expect(listSteps(t.state, r.runId as string).every((s) => s.status === 'done')).toBe(true);
    expect(getRun(t.state, r.runId as string)?.recovery).toBeNull();
  });

  it('ends needs_manual when a side effect has no undo', async () => {
    setup();
    const r = await run('no-undo');
    expect(r.status).toBe('needs_manual');
    expect(r.message).toBe(`check failed: row count differs; rolled back 3 step(s); needs manual recovery (see \`run ${r.runId}\`)`);
    expect(getRun(t.state, r.runId as string)).toMatchObject({ status: 'needs_manual', recovery: { leftInPlace: ['send mail'] } });
  });

  it('ends needs_manual when a compensation fails, and says what to undo by hand', async () => {
    setup();
    const r = await run('undo-fails');
    expect(undone).toEqual(['c:{"made":"c"}', 'a:{"made":"a"}']);
    expect(r.status).toBe('needs_manual');
    const plan = getRun(t.state, r.runId as string)?.recovery;
    expect(plan?.compensationFailures).toEqual(['b: b cannot be undone']);
    expect(plan?.actions[0]).toBe('Undo by hand what failed to roll back: b: b cannot be undone');
    expect(listSteps(t.state, r.runId as string).find((s) => s.name === 'b')?.status).toBe('compensation_failed');
  });
});
