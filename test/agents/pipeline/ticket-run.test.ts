// The planned run of a ticket on a create-next-app app, with a scripted model at the runtime
// boundary: plan, root cause read-only, an edit in the ticket's worktree, the app's own checks
// (its tsc and its node:test suite) and the repair loop that hands the exact diagnostics back to
// the session that edited; a run that cannot be repaired ends needs_manual with the worktree; a
// plan below the confidence gate asks the admin one durable question and `answer` resumes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult } from '../../../src/agents/types.js';
import { buildNextApp, type NextApp } from '../../fixtures/next-app/build.js';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { scriptedModel, type ModelScript, type ScriptedModel } from '../../helpers/scripted-model.js';

const PLAN = { summary: 'keep the cents in estimate totals', confidence: 97, specialists: [{ agent: 'bughunter', deliverable: 'the fix with a test' }] };
const ROOT_CAUSE = { rootCause: 'estimateTotal rounds the sum to whole units', files: ['lib/estimates.ts'], evidence: ['lib/estimates.ts:6'] };

/** An edit that does not type-check: the compiler's diagnostic must reach the model. */
const breakTypes = (cwd: string): string => {
  const file = join(cwd, 'lib/estimates.ts');
  writeFileSync(file, `${readFileSync(file, 'utf8')}\nexport const cents: number = 'a hundred';\n`);
  return 'added a cents constant';
};
/** The repair: a well-typed change with its test. */
const fixTypes = (cwd: string): string => {
  const file = join(cwd, 'lib/estimates.ts');
  writeFileSync(file, readFileSync(file, 'utf8').replace("export const cents: number = 'a hundred';", 'export const cents = 100;'));
  writeFileSync(
    join(cwd, 'lib/cents.test.ts'),
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { cents } from './estimates.ts';\n\ntest('a unit has a hundred cents', () => {\n  assert.equal(cents, 100);\n});\n",
  );
  return 'typed the constant and tested it';
};
/** An edit whose test always fails. */
const failingTest = (cwd: string): string => {
  writeFileSync(
    join(cwd, 'lib/broken.test.ts'),
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n\ntest('totals keep their cents', () => {\n  assert.equal(1 + 1, 3);\n});\n",
  );
  return 'added a test';
};

describe('the planned run of a ticket', { timeout: 180_000 }, () => {
  let app: NextApp;
  const contexts: TestContext[] = [];

  beforeAll(() => {
    app = buildNextApp({ runner: 'node', config: { agents: { repairRounds: 2 } } });
  });
  afterAll(() => {
    for (const t of contexts) t.cleanup();
    app.cleanup();
  });

  function withModel(script: ModelScript): { model: ScriptedModel; run: (line: string) => Promise<CommandResult>; t: TestContext } {
    const model = scriptedModel(script);
    const t = makeContext({ root: app.root, run: false, runtime: model });
    contexts.push(t);
    return { model, t, run: (line) => t.engine.dispatch(line, { initiator: 'you' }) };
  }

  async function fileTicket(run: (line: string) => Promise<CommandResult>, title: string): Promise<string> {
    const created = await run(`create ticket "${title}" --kind bug`);
    return /BUG-\d{4}-\d{3}/.exec(created.message)?.[0] ?? '';
  }

  it('repairs a first attempt that fails the type check, in the same session, with the exact diagnostic', async () => {
    const { model, run, t } = withModel({ plans: [PLAN], rootCause: ROOT_CAUSE, edits: [breakTypes, fixTypes] });
    const bug = await fileTicket(run, 'Estimate totals lose the cents');
    const r = await run(`fix ticket ${bug}`);
    expect(r.message).toContain(`${bug} verified and staged`);
    expect(r.status).toBe('done');
    expect((r.data as { repairRounds: number }).repairRounds).toBe(1);
    const [edit, repair] = model.requests.filter((q) => q.allowedTools?.includes('Edit'));
    // The compiler's own words went back to the session that edited.
    expect(repair?.prompt).toMatch(/TypeScript lib\/estimates\.ts:\d+:\d+.*TS2322/);
    expect(repair?.resumeSession).toBe(edit?.sessionId);
    // The analysis had read-only tools.
    const analysis = model.requests.find((q) => q.prompt.includes('Find the root cause'));
    expect(analysis?.allowedTools).toEqual(['Read', 'Glob', 'Grep']);
    const lines = t.lines();
    expect(lines).toContain('[BUGHUNTER] ✓ Identified root cause: estimateTotal rounds the sum to whole units');
    expect(lines.some((l) => l.startsWith('[BUGHUNTER] ⚠ Checks failed (1); repair round 1/2: TypeScript lib/estimates.ts'))).toBe(true);
    // The repaired code is committed in the ticket's worktree, never in the admin's tree.
    const worktree = (r.data as { worktree: string }).worktree;
    expect(readFileSync(join(worktree, 'lib/estimates.ts'), 'utf8')).toContain('export const cents = 100;');
    expect(app.git('status', '--porcelain')).toBe('');
    // Plan, root cause, edit and repair each reported $0.01: the run's cost is their sum.
    const costs = await run('costs --days 1');
    expect((costs.data as { tickets: { key: string; usd: number }[] }).tickets.find((g) => g.key === bug)?.usd).toBeCloseTo(0.04, 10);
  });

  it('ends needs_manual with what still fails and the worktree when the repairs run out', async () => {
    const { model, run } = withModel({ plans: [PLAN], rootCause: ROOT_CAUSE, edits: [failingTest, failingTest, failingTest] });
    const bug = await fileTicket(run, 'Estimate totals are wrong again');
    const r = await run(`fix ticket ${bug}`);
    expect(r.status).toBe('needs_manual');
    const worktree = (r.data as { worktree: string }).worktree;
    expect(r.message).toContain(`${bug} still fails after 2 repair round(s): Test`);
    expect(r.message).toContain('totals keep their cents');
    expect(r.message).toContain(worktree.replace(/\/$/, ''));
    expect(r.message).toContain(`"verify ${bug}"`);
    // One edit and two repairs, no more.
    expect(model.requests.filter((q) => q.allowedTools?.includes('Edit'))).toHaveLength(3);
  });

  it('below the confidence gate asks one question, waits, and `answer` resumes the run with the answer in the plan', async () => {
    const unsure = { ...PLAN, confidence: 60, question: 'Should totals keep cents for every currency?' };
    const { model, run } = withModel({ plans: [unsure, PLAN], rootCause: ROOT_CAUSE, edits: [fixTypesAlone] });
    const bug = await fileTicket(run, 'Totals and currencies');
    const asked = await run(`fix ticket ${bug}`);
    expect(asked.status).toBe('waiting_approval');
    expect(asked.message).toMatch(/^RUN-\d{4} asks \(Q-?\w*\d+\): Should totals keep cents for every currency\?$/);
    const runId = asked.runId!;
    // Asked once: nothing is edited before the answer.
    expect(model.requests.filter((q) => q.allowedTools?.includes('Edit'))).toHaveLength(0);
    const answered = await run(`answer ${runId} "yes, for EUR and USD"`);
    expect(answered.status).toBe('done');
    const revised = model.requests.filter((q) => q.prompt.includes('The admin answered'));
    expect(revised).toHaveLength(1);
    expect(revised[0]?.prompt).toContain('yes, for EUR and USD');
    const again = await run(`answer ${runId} "no"`);
    expect(again.ok).toBe(false);
    expect(again.message).toMatch(/not waiting for an answer/);
  });
});

/** A correct change with its test, in one go. */
function fixTypesAlone(cwd: string): string {
  writeFileSync(join(cwd, 'lib/estimates.ts'), `${readFileSync(join(cwd, 'lib/estimates.ts'), 'utf8')}\nexport const cents = 100;\n`);
  writeFileSync(
    join(cwd, 'lib/cents.test.ts'),
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { cents } from './estimates.ts';\n\ntest('a unit has a hundred cents', () => {\n  assert.equal(cents, 100);\n});\n",
  );
  return 'added the cents constant with its test';
}
