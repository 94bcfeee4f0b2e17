import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { arg, defineCommand } from '../../../src/commands/define.js';
import { handle, ok, type HandlerTable } from '../../../src/agents/types.js';
import { approvalsOfRun, getApproval } from '../../../src/agents/orchestrator/approvals-repo.js';
import { actionHash, canonicalJson } from '../../../src/agents/orchestrator/action-hash.js';
import { getRun, listSteps } from '../../../src/agents/orchestrator/runs-repo.js';
import { sleep } from '../../../src/agents/orchestrator/locks.js';
import { listAudit } from '../../../src/services/state/audit.js';
import { makeContext, type MakeContextOptions, type TestContext } from '../../helpers/context.js';
import { TEST_SPECS, appendHandlers, deployish, parsed } from './fixtures.js';

const patch = defineCommand({
  id: 'test patch',
  args: [arg('id', 'word', z.string(), { description: 'ticket', accepts: 'a ticket id' })],
  flags: [],
  summary: 'x',
  help: 'x',
  examples: ['test patch BUG-2026-001'],
  agent: 'codesmith',
  approval: null,
  mode: 'run',
});

let diff = 'diff-a';
let applied = 0;
const handlers: HandlerTable = Object.fromEntries([
  ...Object.entries(appendHandlers()),
  handle(patch, async (ctx, args) => {
    await ctx.step('ANALYZE', 'read diff', () => Promise.resolve({ diff }));
    await ctx.requireApproval({ tool: 'apply patch', args: { ticket: args.id }, target: 'local', diffHash: diff, summary: `apply ${diff} to ${args.id}`, confirmText: args.id });
    await ctx.step('EXECUTE', 'apply', () => Promise.resolve((applied += 1)));
    return ok(`applied ${diff}`);
  }),
]);

let t: TestContext | undefined;
function setup(config?: MakeContextOptions['config']): TestContext {
  t?.cleanup();
  t = makeContext({ extra: { specs: [...TEST_SPECS, patch], handlers }, config });
  diff = 'diff-a';
  applied = 0;
  return t;
}
afterEach(() => {
  t?.cleanup();
  t = undefined;
});
const you = { initiator: 'you' };

describe('action hash', () => {
  it('is the same however the arguments were built, and differs when anything changes', () => {
    const a = { tool: 'deploy', args: { env: 'production', ticket: 'BUG-1' }, target: 'production', summary: 'one' };
    const b = { tool: 'deploy', args: { ticket: 'BUG-1', env: 'production' }, target: 'production', summary: 'other words' };
    expect(actionHash(a)).toBe(actionHash(b));
    expect(actionHash({ ...a, diffHash: 'x' })).not.toBe(actionHash(a));
    expect(actionHash({ ...a, target: 'staging' })).not.toBe(actionHash(a));
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: undefined })).toBe('{"b":[{"c":2,"d":1}]}');
  });
});

describe('approvals', () => {
  it('suspends a production deploy before EXECUTE and resumes it when approved', async () => {
    setup();
    const r = await t!.engine.dispatch(parsed(deployish, { env: 'production' }), you);
    expect(r).toMatchObject({ ok: false, status: 'waiting_approval', approvalId: 'APR-0001' });
    expect(r.message).toBe('Waiting for approval APR-0001: test deploy (env=production) on production');
    const runId = r.runId as string;
    expect(getRun(t!.state, runId)).toMatchObject({ status: 'waiting_approval' });
    expect(listSteps(t!.state, runId).map((s) => `${s.name}:${s.status}`)).toEqual(['check:done']);
    expect(getApproval(t!.state, 'APR-0001')).toMatchObject({ status: 'pending', target: 'production', actionHash: actionHash({ tool: 'test deploy', args: { env: 'production' }, target: 'production' }) });
    expect(t!.events.some((e) => e.kind === 'approval' && e.message.includes('APR-0001'))).toBe(true);

    const wrong = await t!.engine.dispatch('approve APR-0001 deploy to staging', you);
    expect(wrong).toMatchObject({ ok: false, message: 'APR-0001 approves a deploy to production, not staging: nothing was approved' });

    const done = await t!.engine.dispatch('approve apr-1 deploy to production', you);
    expect(done).toMatchObject({ ok: true, status: 'done', runId });
    expect(done.message).toBe('Approved APR-0001; deployed to production');
    expect(listSteps(t!.state, runId).map((s) => `${s.name}:${s.status}`)).toEqual(['check:done', 'deploy to production:done']);
    const actions = listAudit(t!.state, { runId }).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['request approval APR-0001', 'approve APR-0001', 'use approval APR-0001']));

    expect(await t!.engine.dispatch('approve APR-0001', you)).toMatchObject({ ok: false, message: 'APR-0001 is already approved (by you)' });
  });

  it('lets staging through under the default policy and follows a project override', async () => {
    setup();
    expect(await t!.engine.dispatch(parsed(deployish, { env: 'staging' }), you)).toMatchObject({ ok: true, status: 'done' });
    setup({ approvals: { policy: { stagingDeployment: true } } });
    expect(await t!.engine.dispatch(parsed(deployish, { env: 'staging' }), you)).toMatchObject({ status: 'waiting_approval' });
  });

  it('refuses an approved action that changed: a new approval is needed', async () => {
    setup();
    const r = await t!.engine.dispatch(parsed(patch, { id: 'BUG-2026-001' }), you);
    expect(r).toMatchObject({ status: 'waiting_approval', approvalId: 'APR-0001' });
    diff = 'diff-b';
    const typedWrong = await t!.engine.dispatch('approve APR-0001 --confirm BUG-2026-002', you);
    expect(typedWrong.message).toBe('APR-0001 needs a typed confirmation: `approve APR-0001 --confirm BUG-2026-001`');
    // Approving by the ticket id types the confirmation.
    const second = await t!.engine.dispatch('approve BUG-2026-001', you);
    expect(second).toMatchObject({ ok: false, status: 'waiting_approval', approvalId: 'APR-0002' });
    expect(second.message).toContain('content diff-a → diff-b since APR-0001 was approved, so APR-0001 is void');
    expect(applied).toBe(0);
    expect(approvalsOfRun(t!.state, r.runId as string).map((a) => a.status)).toEqual(['void', 'pending']);
    const third = await t!.engine.dispatch('approve APR-0002 --confirm bug-2026-001', you);
    expect(third).toMatchObject({ ok: true, message: 'Approved APR-0002; applied diff-b' });
    expect(applied).toBe(1);
  });

  it('rejects: the run ends cancelled and the reason is audited', async () => {
    setup();
    const r = await t!.engine.dispatch(parsed(deployish, { env: 'production' }), you);
    const rej = await t!.engine.dispatch('reject APR-0001 "not today"', you);
    expect(rej).toMatchObject({ ok: true, status: 'done' });
    expect(rej.message).toContain('Rejected APR-0001; approval APR-0001 was rejected: not today');
    expect(getRun(t!.state, r.runId as string)).toMatchObject({ status: 'cancelled' });
    expect(listAudit(t!.state).some((a) => a.action === 'reject APR-0001' && a.result === 'rejected: not today')).toBe(true);
    expect(await t!.engine.dispatch('approve APR-0009', you)).toMatchObject({ ok: false, message: 'no pending approval APR-0009 (nothing is waiting for approval)' });
  });

  it('reminds before an approval expires, then expires it and fails its run', async () => {
    setup({ approvals: { ttlMinutes: 0.005 } }); // 300 ms
    const r = await t!.engine.dispatch(parsed(deployish, { env: 'production' }), you);
    const runId = r.runId as string;
    t!.engine.checkApprovals();
    expect(t!.events.some((e) => e.message.startsWith('Reminder'))).toBe(false);
    await sleep(250);
    t!.engine.checkApprovals();
    t!.engine.checkApprovals();
    const reminders = t!.events.filter((e) => e.message.startsWith('Reminder: approval APR-0001 expires in'));
    expect(reminders).toHaveLength(1);
    await sleep(80);
    t!.engine.checkApprovals();
    expect(getApproval(t!.state, 'APR-0001')).toMatchObject({ status: 'expired' });
    expect(getRun(t!.state, runId)).toMatchObject({ status: 'failed', error: 'approval APR-0001 expired' });
    expect(t!.events.some((e) => e.message === `Approval APR-0001 expired: test deploy (env=production) on production; \`resume ${runId}\` asks again`)).toBe(true);
    expect((await t!.engine.dispatch('approve APR-0001', you)).message).toBe('APR-0001 is already expired (by system)');
    // Resuming asks again with a fresh approval.
    expect(await t!.engine.dispatch(`resume ${runId}`, you)).toMatchObject({ status: 'waiting_approval', approvalId: 'APR-0002' });
  });

  it('gives the same exact approve line, with the typed confirmation, in the request and in the reminder', async () => {
    setup({ approvals: { ttlMinutes: 0.005 } }); // 300 ms
    expect(await t!.engine.dispatch(parsed(patch, { id: 'BUG-2026-001' }), you)).toMatchObject({ status: 'waiting_approval', approveLine: 'approve APR-0001 --confirm BUG-2026-001' });
    await sleep(250);
    t!.engine.checkApprovals();
    const hint = '(`approve APR-0001 --confirm BUG-2026-001` or `reject APR-0001`)';
    expect(t!.events.filter((e) => e.kind === 'approval' && e.message.endsWith(hint)).map((e) => e.message.split(':')[0])).toEqual([
      'approval APR-0001 needed',
      'Reminder',
    ]);
  });

  it('refuses to approve an approval whose time ran out before the watcher saw it', async () => {
    setup({ approvals: { ttlMinutes: 0.001 } });
    await t!.engine.dispatch(parsed(deployish, { env: 'production' }), you);
    await sleep(80);
    const r = await t!.engine.dispatch('approve APR-0001', you);
    expect(r.message).toMatch(/^APR-0001 expired at .*: `resume RUN-\d+` asks again$/);
  });
});
