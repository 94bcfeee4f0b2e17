import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineCommand, arg } from '../../../src/commands/define.js';
import { CommandError, handle, ok, type HandlerTable } from '../../../src/agents/types.js';
import { listSteps, getRun } from '../../../src/agents/orchestrator/runs-repo.js';
import { listAudit } from '../../../src/services/state/audit.js';
import { queryEvents } from '../../../src/services/state/events.js';
import { makeContext, type MakeContextOptions, type TestContext } from '../../helpers/context.js';
import { TEST_SPECS, appendCommand, appendHandlers, parsed } from './fixtures.js';

const modeArg = arg('mode', 'word', z.string(), { description: 'behaviour', accepts: 'a word' });
const base = { args: [modeArg], flags: [], summary: 'x', help: 'x', examples: ['x'] as [string], approval: null } as const;
const flaky = defineCommand({ ...base, id: 'test flaky', agent: 'bughunter', mode: 'run' });
const asked = defineCommand({ ...base, id: 'test query', agent: 'bughunter', mode: 'query' });
const missing = defineCommand({ ...base, id: 'test missing', agent: 'migrator', mode: 'run' });

let attempts = 0;
const handlers: HandlerTable = Object.fromEntries([
  ...Object.entries(appendHandlers()),
  handle(flaky, async (ctx, args) => {
    switch (args.mode) {
      case 'command-error':
        throw new CommandError('no_ticket', 'ticket BUG-2026-009 does not exist');
      case 'crash':
        throw new TypeError('boom');
      case 'low-confidence':
        await ctx.step('UNDERSTAND', 'understand', () => Promise.resolve({ confidence: 0.8 }));
        await ctx.step('ANALYZE', 'analyze', () => Promise.reject(new Error('must not run')));
        return ok('no');
      case 'unmitigated':
        await ctx.step('PLAN', 'plan', () => Promise.resolve({ scenarios: [{ name: 'lock timeout', mitigation: 'retry' }, { name: 'data loss' }] }));
        await ctx.step('VALIDATE', 'validate', () => Promise.resolve({ passed: true }));
        return ok('no');
      case 'precondition':
        await ctx.step('VALIDATE', 'validate', () => Promise.resolve({ passed: true, preconditions: { 'clean worktree': false, 'tests pass': true } }));
        await ctx.step('EXECUTE', 'apply', () => Promise.reject(new Error('must not run')));
        return ok('no');
      case 'validation':
        await ctx.step('VALIDATE', 'validate', () => Promise.resolve({ passed: true, coverage: 61 }));
        await ctx.step('EXECUTE', 'apply', () => Promise.reject(new Error('must not run')));
        return ok('no');
      case 'post-errors':
        await ctx.step('EXECUTE', 'apply', () => Promise.resolve({}));
        await ctx.step('VERIFY', 'verify', () => Promise.resolve({ errors: ['GET /api/estimates returned 500'] }));
        return ok('verified');
      case 'retry':
        attempts = 0;
        return ok('retried', await ctx.step('EXECUTE', 'call the api', async () => {
          attempts++;
          if (attempts < 3) throw new CommandError('rate_limited', 'the api answered 429', true);
          return { attempts };
        }, { retries: 4 }));
      case 'no-retry':
        attempts = 0;
        await ctx.step('EXECUTE', 'call the api', async () => {
          attempts++;
          throw new CommandError('invalid', 'the api answered 422');
        }, { retries: 4 });
        return ok('no');
      case 'bad-phase':
        await ctx.step('DEPLOY' as never, 'x', () => Promise.resolve(1));
        return ok('no');
      case 'twice':
        await ctx.step('ANALYZE', 'scan', () => Promise.resolve(1));
        await ctx.step('ANALYZE', 'scan', () => Promise.resolve(2));
        return ok('twice');
      default:
        ctx.as('codesmith').log('success', `Generated ${args.mode}`);
        return ok(`did ${args.mode}`);
    }
  }),
  handle(asked, async (ctx, args) => {
    const n = await ctx.step('ANALYZE', 'count', () => Promise.resolve(args.mode.length), { locks: ['db:local'] });
    if (args.mode === 'approval') await ctx.requireApproval({ tool: 'x', args: {}, target: 'local', summary: 'x' });
    return ok(`counted ${n}`, { runId: ctx.runId });
  }),
]);

let t: TestContext;
function setup(config?: MakeContextOptions['config']): TestContext {
  t = makeContext({ extra: { specs: [...TEST_SPECS, flaky, asked, missing], handlers }, config });
  return t;
}
afterEach(() => t.cleanup());

const run = (mode: string) => t.engine.dispatch(parsed(flaky, { mode }), { initiator: 'you' });

describe('dispatch', () => {
  it('answers a usage error in one line with the closest command', async () => {
    setup();
    const r = await t.engine.dispatch('bakup list', { initiator: 'you' });
    expect(r).toMatchObject({ ok: false, status: 'failed', error: { code: 'usage' } });
    expect(r.message).toContain('did you mean "backup list"');
    expect(r.message).not.toContain('\n');
  });

  it('says honestly when no agent handles a command yet', async () => {
    setup();
    const r = await t.engine.dispatch(parsed(missing, { mode: 'x' }), { initiator: 'you' });
    expect(r).toMatchObject({ ok: false, status: 'not_available', message: '"test missing" is not available yet: Migrator does not handle it yet' });
    expect(listAudit(t.state).some((a) => a.result === 'not_available')).toBe(true);
  });

  it('runs a query command without opening a run', async () => {
    setup();
    const r = await t.engine.dispatch(parsed(asked, { mode: 'abcd' }), { initiator: 'mcp' });
    expect(r).toMatchObject({ ok: true, message: 'counted 4', data: { runId: null } });
    expect(t.state.db.prepare('SELECT count(*) AS n FROM locks').get()).toEqual({ n: 0 });
    expect(t.state.db.prepare("SELECT count(*) AS n FROM runs WHERE command_id = 'test query'").get()).toEqual({ n: 0 });
    expect(listAudit(t.state)[0]).toMatchObject({ initiator: 'mcp', action: 'test query abcd', result: 'done: counted 4' });
    const refused = await t.engine.dispatch(parsed(asked, { mode: 'approval' }), { initiator: 'you' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'approval_needs_run' } });
  });

  it('records a multi-step run: rows, step events, run events and audit agree', async () => {
    setup();
    const file = join(t.root, 'side.txt');
    const r = await t.engine.dispatch(parsed(appendCommand, { file, count: 3 }), { initiator: 'you' });
    expect(r).toMatchObject({ ok: true, status: 'done', runId: 'RUN-0002' });
    expect(readFileSync(file, 'utf8')).toBe('1\n2\n3\n');
    const steps = listSteps(t.state, r.runId as string);
    expect(steps.map((s) => [s.key, s.status, s.agent, s.instance])).toEqual([
      ['UNDERSTAND:append 1', 'done', 'ops', 'ops-1'],
      ['ANALYZE:append 2', 'done', 'ops', 'ops-1'],
      ['PLAN:append 3', 'done', 'ops', 'ops-1'],
    ]);
    const stepEvents = t.events.filter((e) => e.kind === 'step').map((e) => (e.data as { step: { key: string; status: string } }).step);
    expect(stepEvents.map((s) => `${s.key}:${s.status}`)).toEqual([
      'UNDERSTAND:append 1:running', 'UNDERSTAND:append 1:done',
      'ANALYZE:append 2:running', 'ANALYZE:append 2:done',
      'PLAN:append 3:running', 'PLAN:append 3:done',
    ]);
    const agentStates = t.events.filter((e) => e.kind === 'agent').map((e) => (e.data as { state: string }).state);
    expect(agentStates[0]).toBe('starting');
    expect(agentStates).toContain('working');
    expect(agentStates.at(-1)).toBe('done');
    expect(getRun(t.state, r.runId as string)).toMatchObject({ status: 'done', phase: 'PLAN', initiator: 'you', result: { message: 'appended 3 lines' } });
    t.bus.flush();
    // What the dashboard reads (events) and what `run` reads (rows) say the same.
    const persisted = queryEvents(t.state, { runId: r.runId as string, kinds: ['step'] });
    expect(persisted.length).toBe(stepEvents.length);
    const audit = listAudit(t.state, { runId: r.runId as string });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['step UNDERSTAND:append 1', 'step PLAN:append 3', appendCommand.id + ` ${file} 3`]));
    expect(t.lines()).toContain('[OPS] ✓ Appended 3 lines');
  });

  it('turns thrown errors into results and never throws', async () => {
    setup();
    expect(await run('command-error')).toMatchObject({ ok: false, status: 'failed', message: 'ticket BUG-2026-009 does not exist', error: { code: 'no_ticket' } });
    expect(await run('crash')).toMatchObject({ ok: false, status: 'failed', message: 'internal error: boom', error: { code: 'internal' } });
    expect(await run('bad-phase')).toMatchObject({ ok: false, error: { code: 'bad_phase' } });
    const spoke = await run('a component');
    expect(spoke.ok).toBe(true);
    expect(t.lines()).toContain('[CODESMITH] ✓ Generated a component');
  });

  it('keys a repeated step name by its occurrence', async () => {
    setup();
    const r = await run('twice');
    expect(listSteps(t.state, r.runId as string).map((s) => [s.key, s.output])).toEqual([['ANALYZE:scan', 1], ['ANALYZE:scan#2', 2]]);
  });
});

describe('gates', () => {
  it('stops on low understanding confidence with the reason in one line', async () => {
    setup();
    const r = await run('low-confidence');
    expect(r).toMatchObject({ ok: false, status: 'failed', message: 'UNDERSTAND gate failed: understanding confidence 80% is below 95%', error: { code: 'gate' } });
    expect(listSteps(t.state, r.runId as string).map((s) => s.name)).toEqual(['understand']);
  });

  it('stops on a scenario without mitigation', async () => {
    setup();
    expect((await run('unmitigated')).message).toBe('PLAN gate failed: scenario without mitigation: data loss');
  });

  it('stops before EXECUTE when a precondition is not met', async () => {
    setup();
    expect((await run('precondition')).message).toBe('EXECUTE gate failed: precondition not met: clean worktree');
  });

  it('stops when coverage is below 80%', async () => {
    setup();
    expect((await run('validation')).message).toBe('VALIDATE gate failed: test coverage 61% is below 80%');
  });

  it('fails a run whose verification saw errors', async () => {
    setup();
    const r = await run('post-errors');
    expect(r).toMatchObject({ ok: false, status: 'failed', message: 'VERIFY gate failed: 1 post-execution error(s): GET /api/estimates returned 500' });
  });
});

describe('retries', () => {
  it('retries a retryable failure with exponential backoff', async () => {
    setup();
    const r = await run('retry');
    expect(r).toMatchObject({ ok: true, data: { attempts: 3 } });
    const retries = t.events.filter((e) => e.kind === 'log' && e.level === 'warn');
    expect(retries.map((e) => (e.data as { delay: number }).delay)).toEqual([1, 2]);
    expect(retries[0]?.message).toBe('call the api failed (the api answered 429); retry 1/4 in 1 ms');
    expect(listSteps(t.state, r.runId as string)[0]).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('does not retry a failure that is not retryable', async () => {
    setup();
    const r = await run('no-retry');
    expect(attempts).toBe(1);
    expect(r).toMatchObject({ ok: false, status: 'failed', message: 'the api answered 422' });
  });
});
