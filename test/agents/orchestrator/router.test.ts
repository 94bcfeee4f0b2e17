import { afterEach, describe, expect, it } from 'vitest';
import { parse } from '../../../src/commands/parse.js';
import { COMMANDS } from '../../../src/commands/registry.js';
import { clarification, confident, route } from '../../../src/agents/orchestrator/router.js';
import { listSteps } from '../../../src/agents/orchestrator/runs-repo.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

const r = (text: string) => route(text, COMMANDS, parse);

describe('router', () => {
  it('is confident when the text names a command that parses', () => {
    const x = r('please run a bugs scan');
    expect(x.best?.line).toBe('bugs scan');
    expect(x.confidence).toBeGreaterThanOrEqual(95);
    expect(confident(x)).toBe(true);
  });

  it('maps an intent with its target named', () => {
    expect(r('fix BUG-2026-001 please').best).toMatchObject({ commandId: 'fix ticket', line: 'fix ticket BUG-2026-001' });
    const deploy = r('ship it to production');
    expect(deploy.best).toMatchObject({ commandId: 'deploy', line: 'deploy production' });
    expect(confident(deploy)).toBe(true);
  });

  it('is not confident when the target is missing, and lists the likely commands', () => {
    const x = r('deploy it');
    expect(confident(x)).toBe(false);
    expect(clarification(x)).toMatch(/^Not sure what to do \(confidence \d+%, needs 95%\): did you mean "/);
    const none = r('make everything nicer');
    expect(none.confidence).toBe(0);
    expect(clarification(none)).toBe('Not sure what to do (confidence 0%, needs 95%): try `help` for the commands');
  });

  it('gives the same answer every time', () => {
    expect(r('the estimates table needs a column')).toEqual(r('the estimates table needs a column'));
  });
});

describe('free text', () => {
  let t: TestContext;
  afterEach(() => t.cleanup());

  it('asks for clarification below the understanding gate instead of guessing', async () => {
    t = makeContext({ run: false });
    const res = await t.engine.dispatch('make everything nicer', { initiator: 'you' });
    expect(res).toMatchObject({ ok: false, status: 'failed', error: { code: 'needs_clarification' } });
    expect(res.message).toBe('Not sure what to do (confidence 0%, needs 95%): try `help` for the commands');
    const steps = listSteps(t.state, res.runId as string);
    expect(steps.map((s) => [s.phase, s.status])).toEqual([['UNDERSTAND', 'done']]);
    expect(t.lines()).toContain('[ORCHESTRATOR] Understanding: 0% confidence (router)');
  });

  it('routes a confident request to its command within the same run', async () => {
    t = makeContext({ run: false });
    const res = await t.engine.dispatch('please resume run-0042', { initiator: 'you' });
    expect(res).toMatchObject({ ok: false, message: 'no run run-0042 (see `status` for recent runs)' });
    const steps = listSteps(t.state, res.runId as string);
    expect(steps.map((s) => s.phase)).toEqual(['UNDERSTAND', 'PLAN']);
    expect(steps[1]?.output).toEqual({ line: 'resume run-0042', commandId: 'resume', agents: ['orchestrator'] });
    expect(t.lines()).toContain('[ORCHESTRATOR] Routing to Orchestrator: resume run-0042');
  });
});
