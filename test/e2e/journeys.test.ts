// The user's journeys (plan section 4) on a realistic sample app repository, through the engine
// that `agentdeck run` drives: bug fix, feature generation, deploy to staging, rollback and the
// emergency rollback of the last deployment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { CommandResult } from '../../src/agents/types.js';
import { buildSampleApp, type SampleApp } from '../fixtures/sample-app/build.js';
import { makeContext, type TestContext } from '../helpers/context.js';

describe('journeys on the sample CRM app', { timeout: 120_000 }, () => {
  let app: SampleApp;
  let t: TestContext;
  let bug = '';
  const mainHead = (): string => app.git('rev-parse', 'main');
  let mainAtStart = '';

  const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });
  /** True when `path` exists on `branch`. */
  const onBranch = (branch: string, path: string): boolean => {
    try {
      execFileSync('git', ['cat-file', '-e', `${branch}:${path}`], { cwd: app.root, stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(() => {
    app = buildSampleApp();
    t = makeContext({ root: app.root, run: false });
    mainAtStart = mainHead();
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  it('creates a ticket', async () => {
    const r = await run('create ticket "Estimate totals are wrong when a discount is applied; estimates are not linked to customers" --kind bug');
    expect(r.status).toBe('done');
    bug = /BUG-\d{4}-\d{3}/.exec(r.message)?.[0] ?? '';
    expect(bug).toMatch(/^BUG-/);
  });

  it('bugs scan finds the failing test and the missing foreign key, each located', async () => {
    const r = await run('bugs scan');
    expect(r.status).toBe('done');
    const { findings } = r.data as { findings: { source: string; location: string; severity: string; rule?: string }[] };
    expect(findings).toContainEqual(expect.objectContaining({ source: 'tests', location: 'lib/estimates.test.ts:5', severity: 'high' }));
    expect(findings).toContainEqual(expect.objectContaining({ source: 'database', location: 'public.estimates.customer_id', rule: 'missing-foreign-key' }));
    expect(findings).toContainEqual(expect.objectContaining({ source: 'typescript', location: 'lib/invoices.ts:2' }));
    expect(findings).toContainEqual(expect.objectContaining({ source: 'eslint', location: 'lib/legacy.ts:2' }));
    expect(r.lines?.join('\n')).toContain('public.estimates.customer_id');
    expect((r.data as { checks: Record<string, string> }).checks.typescript).toBe('1 diagnostic(s) (tsc)');
  });

  it('fix ticket stops at needs_model with the worktree ready; a manual fix verifies', async () => {
    const fix = await run(`fix ticket ${bug}`);
    expect(fix.status).toBe('needs_model');
    const { worktree } = fix.data as { worktree: string };
    expect(worktree).toMatch(new RegExp(`/staged/\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}_${bug}$`));
    expect(app.git('-C', worktree, 'branch', '--show-current')).toBe(`agentdeck/${bug}`);

    const notYet = await run(`verify ${bug}`);
    expect(notYet.status).toBe('failed');

    const file = join(worktree, 'lib/estimates.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(' - discount * (1 + taxRate)', ' - discount'));
    const verified = await run(`verify ${bug}`);
    expect(verified.message).toContain('verified');
    expect(verified.status).toBe('done');
  });

  it('generate api writes the route and its test into the ticket worktree, checked', async () => {
    const r = await run(`generate api /api/estimates --methods GET,POST --ticket ${bug}`);
    expect(r.status).toBe('done');
    expect((r.data as { files: string[] }).files).toEqual(['app/api/estimates/route.ts', 'app/api/estimates/route.test.ts']);
    expect(existsSync(join(app.root, 'app/api/estimates/route.ts'))).toBe(false);
  });

  it('review lists the new route file and shows its diff', async () => {
    const r = await run(`review ${bug}`);
    expect(r.status).toBe('done');
    const text = (r.lines ?? []).join('\n');
    expect(text).toContain('Changes to review:');
    expect(text).toMatch(/\d\. app\/api\/estimates\/route\.ts \(added\)/);
    expect(text).toMatch(/\d\. lib\/estimates\.ts \(modified\)/);
    expect(text).toContain('+export async function POST(request: Request)');
  });

  it('approve ... deploy to staging runs the tests and merges into staging, leaving main alone', async () => {
    const r = await run(`approve ${bug} deploy to staging`);
    // The sample app configures no deploy command: only the branch moved, and it says so.
    expect(r.message).toMatch(/merged into staging at [0-9a-f]{12} as DEPLOY-\d{4}-\d{3}; no deploy command configured for staging \(set deploy\.staging in agentdeck\.config\.json\)/);
    expect(r.message).not.toContain('deployed to staging');
    expect(r.status).toBe('done');
    expect(r.message).toMatch(/tests: \d+ passed, 0 failed/);
    expect(onBranch('staging', 'app/api/estimates/route.ts')).toBe(true);
    expect(app.git('show', 'staging:lib/estimates.ts')).not.toContain('discount * (1 + taxRate)');
    expect(mainHead()).toBe(mainAtStart);
    expect(app.git('status', '--porcelain')).toBe('');
  });

  it('rollback reverts the ticket on staging', async () => {
    const r = await run(`rollback ${bug}`);
    expect(r.status).toBe('done');
    expect(onBranch('staging', 'app/api/estimates/route.ts')).toBe(false);
    expect(app.git('show', 'staging:lib/estimates.ts')).toContain('discount * (1 + taxRate)');
    const again = await run(`rollback ${bug}`);
    expect(again.status).toBe('failed');
    expect(again.message).toContain('no live deployment');
  });

  it('redeploying after the rollback brings the change back; emergency rollback of the last deployment removes it with an incident report', async () => {
    const again = await run(`approve ${bug} deploy to staging`);
    expect(again.status).toBe('done');
    expect(onBranch('staging', 'app/api/estimates/route.ts')).toBe(true);

    const r = await run('emergency rollback last deployment');
    expect(r.status).toBe('done');
    expect(r.message).toContain(bug);
    expect(onBranch('staging', 'app/api/estimates/route.ts')).toBe(false);
    const { incident } = r.data as { incident: { path: string; text: string; subject: string } };
    expect(incident.path).toContain('/.agentdeck/incidents/');
    expect(readFileSync(incident.path, 'utf8')).toBe(incident.text);
    expect(incident.text).toContain(bug);
    expect(t.lines().join('\n')).toMatch(/Rollback complete in [\d.]+ seconds/);
    expect(mainHead()).toBe(mainAtStart);
    expect(app.git('status', '--porcelain')).toBe('');
  });

  it('a feature request without a ticket opens one; its deploy is refused while the suite fails on its base', async () => {
    const gen = await run('generate mcp-tool create_estimate_record');
    expect(gen.status).toBe('done');
    const feat = (gen.data as { ticketId: string; ticketOpened: boolean }).ticketId;
    expect(feat).toMatch(/^FEAT-/);
    expect(gen.message).toContain(feat);
    const tool = 'supabase/functions/mcp-server/tools/create_estimate_record.ts';

    const deployed = await run(`approve ${feat} deploy to staging`);
    expect(deployed.status).toBe('failed');
    expect(deployed.message).toContain('tests failed');
    expect(deployed.lines?.join('\n')).toContain('lib/estimates.test.ts:5');
    expect(onBranch('staging', tool)).toBe(false);
  });
});

const BIN = join(process.cwd(), 'bin', 'agentdeck.js');
const BUILT = existsSync(join(process.cwd(), 'dist', 'cli.js'));

describe.skipIf(!BUILT)('the same journey through the agentdeck run binary', { timeout: 120_000 }, () => {
  let app: SampleApp;
  const agentdeck = (line: string, json = false): { code: number; out: string } => {
    const r = spawnSync(process.execPath, [BIN, 'run', line, ...(json ? ['--json'] : [])], { cwd: app.root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  };

  beforeAll(() => {
    app = buildSampleApp({ allTestsPass: true });
  });
  afterAll(() => app.cleanup());

  it('generates, reviews, deploys, rolls back and emergency-rolls back', () => {
    const gen = agentdeck('generate api /api/estimates --methods GET,POST');
    expect(gen.out).toContain('[CODESMITH] ✓ TypeScript strict check passed');
    expect(gen.code).toBe(0);
    const feat = /FEAT-\d{4}-\d{3}/.exec(gen.out)?.[0] as string;

    const review = agentdeck(`review ${feat}`);
    expect(review.code).toBe(0);
    expect(review.out).toMatch(/\d\. app\/api\/estimates\/route\.ts \(added\)/);

    const deploy = agentdeck(`approve ${feat} deploy to staging`);
    expect(deploy.code).toBe(0);
    expect(deploy.out).toContain('[STAGE] ✓ All tests passing');
    expect(app.git('show', 'staging:app/api/estimates/route.ts')).toContain('export async function POST');

    expect(agentdeck(`rollback ${feat}`).code).toBe(0);
    expect(() => app.git('cat-file', '-e', 'staging:app/api/estimates/route.ts')).toThrow();

    expect(agentdeck(`approve ${feat} deploy to staging`).code).toBe(0);
    const emergency = agentdeck('emergency rollback last deployment', true);
    expect(emergency.code).toBe(0);
    const parsed = JSON.parse(emergency.out.slice(emergency.out.indexOf('{'))) as { result: { data: { incident: { path: string } } } };
    expect(readFileSync(parsed.result.data.incident.path, 'utf8')).toContain(feat);
    expect(() => app.git('cat-file', '-e', 'staging:app/api/estimates/route.ts')).toThrow();
  });
});
