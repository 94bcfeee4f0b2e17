// Journey 1.1 of the user's plan on an app shaped like create-next-app makes it, with the admin's
// own ticket id (AI-EST-142): filed from free text, worked in a staged worktree outside the
// project, fixed by hand, reviewed, deployed to staging and production, rolled back and closed,
// the ticket's lifecycle right at each step, and the admin's tree untouched throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import type { CommandResult } from '../../src/agents/types.js';
import { getTicket, ticketEvents } from '../../src/services/state/tickets.js';
import { hydrate } from '../../src/store/hydrate.js';
import { createDeckStore } from '../../src/store/store.js';
import { buildNextApp, type NextApp } from '../fixtures/next-app/build.js';
import { makeContext, type TestContext } from '../helpers/context.js';

const NODE_BIN = join(import.meta.dirname, '..', '..', 'node_modules', '.bin');
const ENV = { NEXT_PUBLIC_SUPABASE_URL: 'http://127.0.0.1:54321' };

/** What the admin's own tools say about the project: its type check and its test command. */
function adminChecks(root: string): { tsc: string; tests: string } {
  const env = { ...process.env, PATH: `${NODE_BIN}:${process.env.PATH ?? ''}` };
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], { cwd: root, encoding: 'utf8', env });
  const tests = spawnSync(process.execPath, ['--env-file-if-exists=.env.local', '--test'], { cwd: root, encoding: 'utf8', env });
  const counts = /ℹ tests (\d+)[\s\S]*ℹ pass (\d+)[\s\S]*ℹ fail (\d+)/.exec(tests.stdout);
  return { tsc: `${tsc.status}:${tsc.stdout.trim()}`, tests: counts ? `${counts[1]} tests, ${counts[2]} pass, ${counts[3]} fail` : tests.stdout };
}

describe('journey 1.1 with an outside ticket id on a create-next-app project', { timeout: 180_000 }, () => {
  let app: NextApp;
  let t: TestContext;
  let before: { tsc: string; tests: string };
  let worktree = '';
  let ours = '';
  const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });
  const statuses = (): string[] => ticketEvents(t.state, ours).map((e) => e.status);
  const lifecycle = (): string | undefined => getTicket(t.state, 'AI-EST-142')?.status;

  beforeAll(() => {
    app = buildNextApp({ runner: 'node', ignore: 'node_modules/', env: ENV });
    t = makeContext({ root: app.root, run: false });
    before = adminChecks(app.root);
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  it("the app's own checks pass before agentdeck does anything", () => {
    expect(before.tsc).toBe('0:');
    expect(before.tests).toBe('3 tests, 3 pass, 0 fail');
  });

  it('free text naming AI-EST-142 files it, gathers evidence, readies a worktree outside the project, and stops at needs_model', async () => {
    const r = await run("@agent I need to fix the AI estimate persistence issue. Here's the ticket: AI-EST-142");
    const lines = t.lines().join('\n');
    expect(lines).toContain('[ORCHESTRATOR] ✓ Ticket received: AI-EST-142');
    expect(r.status).toBe('needs_model');
    const data = r.data as { ticketId: string; worktree: string; evidence: { keywords: string[]; codeHits: string[] } };
    ours = data.ticketId;
    expect(ours).toMatch(/^BUG-\d{4}-\d{3}$/);
    expect(getTicket(t.state, 'ai-est-142')?.id).toBe(ours);
    expect(data.evidence.keywords).toContain('estimate');
    expect(data.evidence.codeHits.some((h) => h.startsWith('app/api/estimates/route.ts:'))).toBe(true);
    worktree = data.worktree;
    expect(relative(app.root, worktree).startsWith('..')).toBe(true);
    expect(worktree.startsWith(join(process.env.XDG_DATA_HOME ?? '', 'agentdeck'))).toBe(true);
    expect(lines).toContain(`[STAGE] ✓ Created staged environment: ${worktree}/`);
    expect(r.message).toContain(`fix it by hand in ${worktree}/ and run "verify AI-EST-142"`);
    expect(lifecycle()).toBe('in progress');
  });

  it('a second filing under the same reference is refused; every ticket command takes the reference', async () => {
    const again = await run('create ticket --ref ai-est-142 "estimates again"');
    expect(again.status).toBe('failed');
    expect(again.message).toBe(`AI-EST-142 is already filed as ${ours}: name it by either id`);
    const unknown = await run('analyze ticket AI-EST-999');
    expect(unknown.message).toContain('"create ticket --ref AI-EST-999 <description>" files it under that reference');
  });

  it("the worktree has the project's dependencies and .env.local, and shows nothing untracked", () => {
    expect(lstatSync(join(worktree, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(worktree, '.env.local'), 'utf8')).toBe(readFileSync(join(app.root, '.env.local'), 'utf8'));
    expect(app.git('-C', worktree, 'status', '--porcelain')).toBe('');
    expect(app.git('status', '--porcelain')).toBe('');
  });

  it('a hand fix verifies in the worktree (its tests read .env.local) and the ticket is staged', async () => {
    const route = join(worktree, 'app/api/estimates/route.ts');
    writeFileSync(
      route,
      readFileSync(route, 'utf8').replace(
        '  void supabase;\n  const total = estimateTotal(body.lines);\n',
        "  const total = estimateTotal(body.lines);\n  const { error } = await supabase.from('estimates').insert({ customer_id: body.customerId, total });\n  if (error) return Response.json({ error: error.message }, { status: 500 });\n",
      ),
    );
    const verified = await run('verify AI-EST-142');
    expect(verified.message).toContain(`${ours} verified`);
    expect(verified.status).toBe('done');
    expect(lifecycle()).toBe('staged');
  });

  it('a migration named for the ticket commits only its own two files, leaving a hand edit beside them uncommitted', async () => {
    const r = await run('migrate "add foreign key estimates.customer_id references customers on delete cascade" --ticket AI-EST-142');
    expect(r.status).toBe('done');
    const committed = app.git('-C', worktree, 'show', '--name-only', '--format=', 'HEAD').split('\n');
    expect(committed).toHaveLength(2);
    expect(committed.every((f) => /^supabase\/(migrations|rollbacks)\/\d{14}_fk_estimates_customer_id(\.down)?\.sql$/.test(f))).toBe(true);
    expect(app.git('-C', worktree, 'status', '--porcelain')).toBe('M app/api/estimates/route.ts');
  });

  it('a migration without --ticket opens a ticket and its worktree, named in the output, and writes nothing into the project', async () => {
    const r = await run('migrate "create table customer_preferences (id uuid pk default gen_random_uuid(), prefs jsonb not null default \'{}\'::jsonb)"');
    expect(r.status).toBe('done');
    const data = r.data as { ticketId: string; ticketOpened: boolean; worktree: string };
    expect(data.ticketOpened).toBe(true);
    expect(r.message).toContain(`in ${data.ticketId}'s worktree (new ticket)`);
    expect(r.message).toContain(data.worktree);
    expect(relative(app.root, data.worktree).startsWith('..')).toBe(true);
    expect(existsSync(join(app.root, 'supabase/rollbacks'))).toBe(false);
    expect(app.git('status', '--porcelain')).toBe('');
    expect(getTicket(t.state, data.ticketId)?.status).toBe('staged');
  });

  it('review by the reference lists the changes', async () => {
    const r = await run('@agent review AI-EST-142');
    expect(r.status).toBe('done');
    const text = (r.lines ?? []).join('\n');
    expect(text).toMatch(/\d\. app\/api\/estimates\/route\.ts \(modified\)/);
    expect(text).toMatch(/\d\. supabase\/migrations\/\d{14}_fk_estimates_customer_id\.sql \(added\)/);
  });

  it('"approve deployment for AI-EST-142" deploys it to staging', async () => {
    const r = await run('@agent approve deployment for AI-EST-142');
    // No deploy command is configured in this app: the deploy says it only merged.
    expect(r.message).toContain(`${ours} merged into staging at`);
    expect(r.message).toContain('no deploy command configured for staging');
    expect(r.status).toBe('done');
    expect(app.git('show', 'staging:app/api/estimates/route.ts')).toContain(".from('estimates').insert(");
    // Only merged: the lifecycle, its note, the announcement and status say so, never "deployed".
    const merged = 'merged into staging; no deploy command configured for staging (set deploy.staging in agentdeck.config.json)';
    expect(lifecycle()).toBe('merged for staging');
    const deployment = (r.data as { deployment: { id: string } }).deployment.id;
    expect(ticketEvents(t.state, ours).at(-1)?.note).toBe(`${deployment}: ${merged}`);
    expect(t.lines().join('\n')).toContain(`Ticket AI-EST-142 (${ours}): merged for staging (${deployment}: ${merged})`);
    expect(t.lines().join('\n')).not.toContain('deployed to staging');
    // The dashboard says "merged", live and after a restart.
    expect(t.events.find((e) => e.kind === 'deployment' && (e.data as { deployment?: { id: string } } | undefined)?.deployment?.id === deployment)?.data).toMatchObject({ deployment: { status: 'merged' } });
    const deck = createDeckStore();
    hydrate(deck, t.state);
    expect(deck.getState().lastDeployment).toMatchObject({ id: deployment, status: 'merged' });
    const status = await run('status');
    expect(status.lines?.join('\n')).toContain(`Last deployment: ${deployment} ${ours}: ${merged}`);
    expect(status.lines?.join('\n')).toMatch(new RegExp(`${ours} +AI-EST-142 +merged for staging `));
  });

  it('"deploy AI-EST-142 to production" waits for the typed confirmation, then deploys', async () => {
    const asked = await run('deploy AI-EST-142 to production');
    expect(asked.status).toBe('waiting_approval');
    expect(lifecycle()).toBe('merged for staging');
    const r = await run(`approve ${asked.approvalId ?? ''} --confirm ${ours}`);
    expect(r.message).toContain(`${ours} merged into main at`);
    expect(r.message).toContain('no deploy command configured for production');
    expect(lifecycle()).toBe('merged for production');
    expect(ticketEvents(t.state, ours).at(-1)?.note).toMatch(/: merged into main; no deploy command configured for production \(set deploy\.production in agentdeck\.config\.json\)$/);
  });

  it('rollback by the reference rolls it back; close ticket closes it; each change has its time and run', async () => {
    const r = await run('rollback AI-EST-142');
    expect(r.status).toBe('done');
    expect(lifecycle()).toBe('rolled back');
    const closed = await run('close ticket AI-EST-142 --reason "shipped again after the hotfix"');
    expect(closed.message).toBe(`Ticket AI-EST-142 (${ours}) closed (was rolled back)`);
    expect(statuses()).toEqual(['open', 'in progress', 'staged', 'merged for staging', 'merged for production', 'rolled back', 'closed']);
    for (const e of ticketEvents(t.state, ours)) {
      expect(e.runId).toMatch(/^RUN-\d+$/);
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    }
    expect(ticketEvents(t.state, ours).at(-1)?.note).toBe('shipped again after the hotfix');
  });

  it("the admin's type check and tests say exactly what they said before, and git status shows nothing agentdeck wrote", () => {
    expect(adminChecks(app.root)).toEqual(before);
    expect(app.git('status', '--porcelain', '--ignored=no')).toBe('');
  });
});
