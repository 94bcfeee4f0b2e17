// BugHunter on the sample app: scan, analysis and fix without a model (needs_model, evidence and
// worktree ready), manual-fix verification, and the same commands with a scripted model runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { CommandResult } from '../../../src/agents/types.js';
import type { AgentRuntime, ModelRequest } from '../../../src/agents/runtime/types.js';
import { EDIT_JSON_SCHEMA, PLAN_JSON_SCHEMA } from '../../../src/agents/pipeline/plan.js';
import { countBySeverity, findingLines, sortFindings, type Finding } from '../../../src/agents/bughunter/findings.js';
import { keywords } from '../../../src/agents/bughunter/evidence.js';
import { parseTscOutput } from '../../../src/agents/bughunter/tsc.js';
import { openTarget } from '../../../src/services/postgres/index.js';
import { exitCodeOf } from '../../../src/cli/print.js';
import { buildSampleApp, type SampleApp } from '../../fixtures/sample-app/build.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

describe('findings', () => {
  const f = (severity: Finding['severity'], location: string): Finding => ({ source: 'tests', severity, location, message: 'm' });
  it('sorts by severity then location and renders one line each', () => {
    const list = [f('low', 'b'), f('high', 'z'), f('critical', 'a'), f('high', 'c')];
    expect(sortFindings(list).map((x) => `${x.severity}:${x.location}`)).toEqual(['critical:a', 'high:c', 'high:z', 'low:b']);
    expect(findingLines([f('medium', 'lib/a.ts:3')])).toEqual(['  ⚠ medium   tests      lib/a.ts:3  m']);
    expect(countBySeverity(list)).toEqual({ critical: 1, high: 2, medium: 0, low: 1 });
  });

  it('takes the words of a ticket worth searching for', () => {
    expect(keywords('The estimates are not persisting to the database')).toEqual(['estimates', 'estimate', 'persisting', 'database']);
    expect(keywords('')).toEqual([]);
  });
});

describe('BugHunter without a model', () => {
  let app: SampleApp;
  let t: TestContext;
  let bug = '';
  const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });

  beforeAll(async () => {
    app = buildSampleApp();
    t = makeContext({ root: app.root, run: false });
    const r = await run('create ticket "Estimate totals are wrong with a discount" --kind bug');
    bug = /BUG-\d{4}-\d{3}/.exec(r.message)?.[0] ?? '';
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  it('analyze collects the related evidence, then says a model is needed', async () => {
    const r = await run(`analyze ticket ${bug}`);
    expect(r.status).toBe('needs_model');
    const { evidence } = r.data as { evidence: { findings: Finding[]; codeHits: string[] } };
    expect(evidence.findings.map((x) => x.location)).toContain('lib/estimates.test.ts:5');
    expect(evidence.codeHits.some((h) => h.startsWith('lib/estimates.ts:'))).toBe(true);
    expect(r.lines?.[0]).toContain(`Evidence for ${bug}`);
    expect(t.lines().join('\n')).toContain('[BUGHUNTER] ⚠ Scan found');
  });

  it('refuses unknown tickets and verifying before any staged work', async () => {
    expect((await run('analyze ticket BUG-2026-999')).message).toBe('ticket BUG-2026-999 does not exist ("status" lists the tickets; "create ticket" files one)');
    expect((await run(`verify ${bug}`)).message).toContain(`${bug} has no staged environment`);
  });

  it('fix prepares the worktree and stops at needs_model; verify fails on a wrong fix and passes on a right one', async () => {
    const fix = await run(`fix ticket ${bug}`);
    expect(fix.status).toBe('needs_model');
    expect(fix.message).toContain(`run "verify ${bug}"`);
    const { worktree } = fix.data as { worktree: string };
    const file = join(worktree, 'lib/estimates.ts');
    const original = readFileSync(file, 'utf8');

    writeFileSync(file, original.replace(' - discount * (1 + taxRate)', ' + discount'));
    const wrong = await run(`verify ${bug}`);
    expect(wrong.status).toBe('failed');
    expect(wrong.message).toMatch(/not verified: tests 1 passed, 1 failed/);
    expect(wrong.lines?.join('\n')).toContain('lib/estimates.test.ts:5');

    writeFileSync(file, original.replace(' - discount * (1 + taxRate)', ' - discount').replace('number {', 'string {'));
    const typeError = await run(`verify ${bug}`);
    expect(typeError.message).toContain('1 type error(s)');

    writeFileSync(file, original.replace(' - discount * (1 + taxRate)', ' - discount'));
    const right = await run(`verify ${bug}`);
    expect(right.status).toBe('done');

    // The scan of the project leaves the staged worktree's tests alone.
    const scan = await run('bugs scan');
    const tests = (scan.data as { findings: Finding[] }).findings.filter((x) => x.source === 'tests');
    expect(tests.map((x) => x.location)).toEqual(['lib/estimates.test.ts:5']);
    expect((scan.data as { checks: Record<string, string> }).checks.tests).toMatch(/^1 passed, 1 failed/);
  }, 120_000);
});

describe('bugs scan on a bare repository', () => {
  it('says which checks had nothing to run on', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bare-'));
    execFileSync('git', ['init', '-q'], { cwd: root });
    const t = makeContext({ root, run: false });
    try {
      const r = await t.engine.dispatch('bugs scan', { initiator: 'you' });
      expect(r.status).toBe('done');
      const { checks } = r.data as { checks: Record<string, string> };
      expect(checks.typescript).toBe('0 diagnostic(s) (compiler API)');
      expect(checks.eslint).toContain('skipped');
      expect(checks.tests).toContain('skipped: no test command found');
      expect(checks.database).toContain('skipped');
      expect(r.message).toBe('0 issue(s): 0 critical, 0 high, 0 medium, 0 low');
    } finally {
      t.cleanup();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** A scripted model runtime: answers analyses and makes the fix a model would make. */
function scriptedRuntime(requests: ModelRequest[]): AgentRuntime {
  return {
    name: 'claude',
    hasModel: true,
    async run(request) {
      requests.push(request);
      // The planned run's plan: BugHunter fixes it, sure of what is asked.
      if (request.outputSchema === PLAN_JSON_SCHEMA) {
        return { status: 'done', text: 'planned', structured: { summary: 'fix the discount in estimateTotal', confidence: 97, specialists: [{ agent: 'bughunter', deliverable: 'the fix with a test' }] }, costUsd: 0.01 };
      }
      if (request.outputSchema && request.outputSchema !== EDIT_JSON_SCHEMA) {
        return { status: 'done', text: 'tax applied to the discount', structured: { rootCause: 'estimateTotal applies tax to the discount', confidence: 97, files: ['lib/estimates.ts'] }, costUsd: 0.01 };
      }
      if (request.agent === 'bughunter') {
        const file = join(request.cwd, 'lib/estimates.ts');
        writeFileSync(file, readFileSync(file, 'utf8').replace(' - discount * (1 + taxRate)', ' - discount'));
        return { status: 'done', text: 'fixed', structured: { summary: 'the discount is no longer taxed' }, costUsd: 0.02 };
      }
      if (request.prompt.includes('broken')) return { status: 'failed', text: 'the model gave up', costUsd: null };
      writeFileSync(join(request.cwd, 'lib/portal.ts'), "export const portal = 'oauth2';\n");
      return { status: 'done', text: 'portal added', costUsd: 0.02 };
    },
  };
}

describe('with a model runtime', () => {
  let app: SampleApp;
  let t: TestContext;
  const requests: ModelRequest[] = [];
  const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });

  beforeAll(() => {
    app = buildSampleApp();
    t = makeContext({ root: app.root, run: false, runtime: scriptedRuntime(requests) });
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  it('analyze proposes the root cause from the evidence', async () => {
    const created = await run('create ticket "Estimate totals wrong with discount" --kind bug');
    const bug = /BUG-\d{4}-\d{3}/.exec(created.message)?.[0] as string;
    const r = await run(`analyze ticket ${bug}`);
    expect(r.status).toBe('done');
    expect(r.message).toBe(`${bug}: estimateTotal applies tax to the discount`);
    expect(requests[0]?.prompt).toContain('lib/estimates.test.ts:5');

    const fix = await run(`fix ticket ${bug}`);
    expect(fix.status).toBe('done');
    expect(fix.message).toContain(`${bug} verified`);
    expect(requests[1]?.cwd).toContain('/staged/');
  });

  it('a free-form generation goes to the model in a staged worktree', async () => {
    const r = await run('generate api endpoint "customer portal login" with oauth2 support');
    expect(r.status).toBe('done');
    const { ticketId } = r.data as { ticketId: string };
    expect(ticketId).toMatch(/^FEAT-/);
    expect(app.git('show', `agentdeck/${ticketId}:lib/portal.ts`)).toContain('oauth2');
    const failed = await run('generate api endpoint "broken widget"');
    expect(failed.status).toBe('failed');
    expect(failed.message).toBe('the model gave up');
  });
});

/** A model runtime that asks to write inside the worktree, into a sibling folder and above it. */
function probingRuntime(decisions: Record<string, boolean>[]): AgentRuntime {
  return {
    name: 'claude',
    hasModel: true,
    async run(request, io) {
      if (request.outputSchema === PLAN_JSON_SCHEMA) return { status: 'done', text: 'x', structured: { summary: 'x', confidence: 99, specialists: [{ agent: 'bughunter', deliverable: 'x' }] }, costUsd: null };
      if (request.outputSchema && request.outputSchema !== EDIT_JSON_SCHEMA) return { status: 'done', text: 'x', structured: { rootCause: 'x' }, costUsd: null };
      const ask = async (file_path: string): Promise<boolean> => (await io.requestPermission({ tool: 'Write', input: { file_path } })).allow;
      decisions.push({
        inside: await ask(join(request.cwd, 'lib/estimates.ts')),
        // `..._BUG-1` and `..._BUG-10` share a prefix: the sibling is not the worktree.
        sibling: await ask(`${request.cwd}0/lib/estimates.ts`),
        above: await ask(`${request.cwd}/../other/lib/estimates.ts`),
      });
      return { status: 'failed', text: 'probed', costUsd: null };
    },
  };
}

describe('model edits outside the staged worktree', () => {
  let app: SampleApp;
  let t: TestContext;
  const decisions: Record<string, boolean>[] = [];
  const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });

  beforeAll(() => {
    app = buildSampleApp();
    t = makeContext({ root: app.root, run: false, runtime: probingRuntime(decisions) });
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  it('are refused for a sibling folder whose name starts with the worktree name', async () => {
    const created = await run('create ticket "Estimate totals wrong with discount" --kind bug');
    const bug = /BUG-\d{4}-\d{3}/.exec(created.message)?.[0] as string;
    const fix = await run(`fix ticket ${bug}`);
    expect(fix.message).toContain('probed');
    expect(decisions).toEqual([{ inside: true, sibling: false, above: false }]);
  });
});

describe('database checks on the target database', () => {
  it('use the local database when it has tables', async () => {
    const app = buildSampleApp({ allTestsPass: true });
    const t = makeContext({ root: app.root, run: false });
    try {
      const db = openTarget(app.root);
      await db.exec('create table public.orders (id uuid primary key, customer_id uuid);');
      await db.close();
      const r = await t.engine.dispatch('bugs scan', { initiator: 'you' });
      const { checks, findings } = r.data as { checks: Record<string, string>; findings: Finding[] };
      // The unindexed foreign key, the table without RLS, and no Data API grants (2026 rule).
      expect(checks.database).toBe('3 finding(s) on the local database');
      expect(findings.map((f) => f.location)).toEqual(expect.arrayContaining(['public.orders.customer_id', 'public.orders']));
    } finally {
      t.cleanup();
      app.cleanup();
    }
  });

  it('say which migration does not apply to a fresh database', async () => {
    const app = buildSampleApp({ allTestsPass: true, extraFiles: { 'supabase/migrations/20250301000000_broken.sql': 'alter table public.nope add column x int;\n' } });
    const t = makeContext({ root: app.root, run: false });
    try {
      const r = await t.engine.dispatch('bugs scan', { initiator: 'you' });
      const { checks, incomplete } = r.data as { checks: Record<string, string>; incomplete: { check: string; why: string }[] };
      expect(checks.database).toMatch(/^could not run: supabase\/migrations\/20250301000000_broken\.sql does not apply to a fresh database: .*nope/);
      // A check that could not run is never a clean scan: not ok, status incomplete, naming the check.
      expect(r.ok).toBe(false);
      expect(r.status).toBe('incomplete');
      expect(exitCodeOf(r)).toBe(3);
      expect(r.message).toMatch(/^incomplete: database checks could not run \(supabase\/migrations\/20250301000000_broken\.sql does not apply/);
      expect(incomplete.map((n) => n.check)).toEqual(['database checks']);
      expect(t.lines().join('\n')).toContain('[BUGHUNTER] ✗ Scan incomplete: database checks could not run');
    } finally {
      t.cleanup();
      app.cleanup();
    }
  });
});

describe('tsc output', () => {
  it('is read line by line, continuation lines left out', () => {
    const out = "lib/a.ts(2,3): error TS2322: Type 'number' is not assignable to type 'string'.\n  Some continuation.\nsrc/b.ts(10,1): warning TS6133: 'x' is declared but never used.\nnoise\n";
    expect(parseTscOutput(out)).toEqual([
      { file: 'lib/a.ts', line: 2, column: 3, severity: 'error', code: 'TS2322', message: "Type 'number' is not assignable to type 'string'." },
      { file: 'src/b.ts', line: 10, column: 1, severity: 'warning', code: 'TS6133', message: "'x' is declared but never used." },
    ]);
  });
});
