// The claude runtime drives the real Claude Agent SDK against a scripted CLI speaking the SDK's
// stream-json protocol (test/fixtures/fake-claude/cli.mjs).
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { arg, defineCommand } from '../../../src/commands/define.js';
import { handle, ok, type HandlerTable } from '../../../src/agents/types.js';
import { createClaudeRuntime } from '../../../src/agents/runtime/claude.js';
import { askModel } from '../../../src/agents/runtime/ask.js';
import { formatCost } from '../../../src/agents/runtime/types.js';
import { getApproval } from '../../../src/agents/orchestrator/approvals-repo.js';
import { getRun } from '../../../src/agents/orchestrator/runs-repo.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '../../fixtures/fake-claude/cli.mjs');
chmodSync(cli, 0o755);

const ask = defineCommand({
  id: 'test ask',
  args: [arg('prompt', 'rest', z.array(z.string()).transform((w) => w.join(' ')), { description: 'x', accepts: 'x' })],
  flags: [],
  summary: 'x',
  help: 'x',
  examples: ['test ask hi'],
  agent: 'bughunter',
  approval: null,
  mode: 'run',
});
const handlers: HandlerTable = Object.fromEntries([
  handle(ask, async (ctx, args) => {
    const answer = await ctx.step('ANALYZE', 'ask the model', async () => {
      const r = await askModel(ctx, { prompt: args.prompt });
      return { text: r.text, cost: r.costUsd, session: r.sessionId };
    });
    return ok(answer.text, answer);
  }),
]);

let t: TestContext;
afterEach(() => t.cleanup());
function setup(): TestContext {
  t = makeContext({ run: false, runtime: createClaudeRuntime({ pathToClaudeCodeExecutable: cli, env: { ...process.env, FAKE_CLAUDE_LOG: '' } }), extra: { specs: [ask], handlers } });
  return t;
}
const dispatch = (prompt: string) => t.engine.dispatch({ spec: ask, id: ask.id, args: { prompt }, raw: `test ask ${prompt}` }, { initiator: 'you' });

describe('claude runtime', () => {
  it('streams the session into events and stores session id and cost on the run', async () => {
    setup();
    const r = await dispatch('hello there');
    expect(r).toMatchObject({ ok: true, message: 'echo: hello there' });
    const run = getRun(t.state, r.runId as string);
    expect(run?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run?.costUsd).toBeCloseTo(0.0123);
    expect(formatCost(run?.costUsd)).toBe('$0.0123');
    expect(t.events.some((e) => e.kind === 'output' && e.message === 'echo: hello there' && e.agent === 'bughunter')).toBe(true);
  });

  it('reports cost as n/a when the account reports none', async () => {
    setup();
    const r = await dispatch('quiet [[cost none]]');
    expect(getRun(t.state, r.runId as string)?.costUsd).toBeNull();
    expect(formatCost(null)).toBe('n/a');
  });

  it('turns a permission request into an approval; approving lets the tool run', async () => {
    setup();
    const pending = dispatch('[[tool Bash {"command":"npm test"}]]');
    const approval = await waitFor(() => t.events.find((e) => e.kind === 'approval'));
    expect(approval.message).toMatch(/^Approval APR-0001 needed: bughunter wants to use Bash/);
    expect(getApproval(t.state, 'APR-0001')).toMatchObject({ status: 'pending', tool: 'Bash', action: { args: { command: 'npm test' } } });
    const decided = await t.engine.dispatch('approve APR-0001', { initiator: 'you' });
    expect(decided).toMatchObject({ ok: true, message: 'Approved APR-0001: bughunter wants to use Bash' });
    expect(await pending).toMatchObject({ ok: true, message: 'Bash ran' });
  });

  it('a rejection reaches the agent as a denial', async () => {
    setup();
    const pending = dispatch('[[tool Bash {"command":"npm publish"}]]');
    await waitFor(() => t.events.find((e) => e.kind === 'approval'));
    await t.engine.dispatch('reject APR-0001 "not from here"', { initiator: 'you' });
    const r = await pending;
    expect(r.message).toBe('Bash was denied: a human denied Bash: not from here');
  });

  it('an emergency stop denies a tool call that waits for approval', async () => {
    setup();
    const pending = dispatch('[[tool Bash {"command":"make"}]]');
    await waitFor(() => t.events.find((e) => e.kind === 'approval'));
    expect(await t.engine.dispatch('emergency stop all', { initiator: 'you' })).toMatchObject({ ok: true });
    expect((await pending).message).toBe('Bash was denied: the run was stopped');
    expect(getApproval(t.state, 'APR-0001')).toMatchObject({ status: 'rejected', reason: 'the run was stopped' });
  });

  it('the policy hook refuses a destructive command before any prompt', async () => {
    setup();
    const r = await dispatch('[[tool Bash {"command":"rm -rf /"}]] [[tool Read {"file_path":".env"}]]');
    expect(r.message).toBe("Bash was denied: refused by the project's policy: recursive delete of a root, home or wildcard path; Read was denied: .env holds secrets; agents do not read or write it");
    expect(t.events.some((e) => e.kind === 'approval')).toBe(false);
  });

  it('lets an allowed tool run without asking', async () => {
    setup();
    const r = await dispatch('[[tool Read {"file_path":"src/index.ts"}]]');
    expect(r.message).toBe('Read ran');
  });

  it('gives the agent only its own tools', async () => {
    setup();
    const r = await dispatch('[[tool Write {"file_path":"src/x.ts","content":"x"}]]');
    expect(r.message).toBe('No such tool available: Write');
    expect(t.events.some((e) => e.kind === 'approval')).toBe(false);
  });

  it('ends failed with the error of a failed session', async () => {
    setup();
    const r = await dispatch('[[fail the model gave up]]');
    expect(r).toMatchObject({ ok: false, status: 'failed', message: 'the model could not finish: the model gave up' });
  });
});

describe('model router', () => {
  it('asks the model for a plan when the router is not sure, and still gates it', async () => {
    setup();
    const r = await t.engine.dispatch('tidy up [[structured {"line":"resume run-0042","confidence":97}]]', { initiator: 'you' });
    expect(r.message).toBe('no run run-0042 (see `status` for recent runs)');
    expect(t.lines()).toContain('[ORCHESTRATOR] Understanding: 97% confidence (model)');
    const unsure = await t.engine.dispatch('tidy up [[structured {"line":"resume run-0042","confidence":60}]]', { initiator: 'you' });
    expect(unsure).toMatchObject({ ok: false, error: { code: 'needs_clarification' } });
    const nonsense = await t.engine.dispatch('tidy up [[structured {"line":"launch rockets","confidence":99}]]', { initiator: 'you' });
    expect(nonsense.message).toMatch(/^Not sure what to do \(confidence 0%/);
  });
});

describe('deterministic runtime', () => {
  it('ends an AI step needs_model with one line', async () => {
    t = makeContext({ run: false, extra: { specs: [ask], handlers } });
    const r = await dispatch('anything');
    expect(r).toMatchObject({ ok: false, status: 'needs_model' });
    expect(r.message).toBe('bughunter: no model runtime is configured: set ANTHROPIC_API_KEY (or log in to Claude Code) and run it again');
    expect(getRun(t.state, r.runId as string)?.status).toBe('needs_model');
  });
});

async function waitFor<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
