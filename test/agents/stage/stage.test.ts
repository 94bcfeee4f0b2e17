// StageAgent on real git repositories (the sample app), through the real engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult } from '../../../src/agents/types.js';
import { ensureIgnoreRules, stagedDirPath, stamp } from '../../../src/agents/stage/layout.js';
import { getStaged, removeStaged, ensureStaged, inWorktree } from '../../../src/agents/stage/worktrees.js';
import { listDeployments } from '../../../src/agents/stage/deployments.js';
import { listAudit } from '../../../src/services/state/audit.js';
import { getTicket, ticketEvents } from '../../../src/services/state/tickets.js';
import { openTarget } from '../../../src/services/postgres/index.js';
import { ensureHistory, readHistory, recordApplied } from '../../../src/agents/migrator/history.js';
import { buildSampleApp, type SampleApp } from '../../fixtures/sample-app/build.js';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { tempDir } from '../../helpers/tmp.js';

const stagedFile = (t: TestContext, ticket: string, path: string, content: string): void => {
  const staged = getStaged(t.root, ticket);
  if (!staged) throw new Error(`no staged ${ticket}`);
  mkdirSync(join(staged.path, path, '..'), { recursive: true });
  writeFileSync(join(staged.path, path), content);
};

describe('layout', () => {
  it('names worktrees by local time and ticket', () => {
    const d = new Date(2025, 11, 1, 14, 30, 22);
    expect(stamp(d)).toBe('2025-12-01_14-30-22');
    const root = tempDir();
    try {
      writeFileSync(join(root.dir, 'agentdeck.config.json'), '{"staged": "staged"}');
      expect(stagedDirPath(root.dir, 'BUG-2025-001', d)).toBe(join(root.dir, 'staged/2025-12-01_14-30-22_BUG-2025-001'));
    } finally {
      root.cleanup();
    }
  });
});

describe('inWorktree', () => {
  const wt = '/repo/staged/2025-12-01_14-30-22_BUG-1';
  it('accepts the worktree and paths inside it', () => {
    expect(inWorktree(wt, wt)).toBe(true);
    expect(inWorktree(wt, `${wt}/lib/a.ts`)).toBe(true);
    expect(inWorktree(wt, `${wt}/..foo/a.ts`)).toBe(true);
    expect(inWorktree(`${wt}/`, `${wt}/lib/a.ts`)).toBe(true);
  });

  it('refuses a sibling whose name starts with the worktree name, parents, escapes and relative paths', () => {
    expect(inWorktree(wt, `${wt}0/lib/a.ts`)).toBe(false);
    expect(inWorktree(wt, '/repo/staged/2025-12-01_14-30-22_BUG-10/lib/a.ts')).toBe(false);
    expect(inWorktree(wt, '/repo/staged')).toBe(false);
    expect(inWorktree(wt, `${wt}/../other/a.ts`)).toBe(false);
    expect(inWorktree(wt, `${wt}/lib/../../other/a.ts`)).toBe(false);
    expect(inWorktree(wt, 'lib/a.ts')).toBe(false);
  });

  it('follows symlinks: the linked node_modules and links pointing out are outside', () => {
    const { dir, cleanup } = tempDir('agentdeck-inwt-');
    try {
      const project = join(dir, 'project');
      const tree = join(project, 'staged', 'x_BUG-1');
      mkdirSync(join(project, 'node_modules', 'pkg'), { recursive: true });
      mkdirSync(join(tree, 'src'), { recursive: true });
      symlinkSync(join(project, 'node_modules'), join(tree, 'node_modules'));
      symlinkSync(join(dir, 'nowhere'), join(tree, 'dangling'));
      symlinkSync(join(tree, 'src'), join(tree, 'src-link'));
      expect(inWorktree(tree, join(tree, 'src', 'new', 'file.ts'))).toBe(true);
      expect(inWorktree(tree, join(tree, 'src-link', 'a.ts'))).toBe(true);
      expect(inWorktree(tree, join(tree, 'node_modules', 'pkg', 'index.js'))).toBe(false);
      expect(inWorktree(tree, join(tree, 'node_modules'))).toBe(false);
      expect(inWorktree(tree, join(tree, 'dangling'))).toBe(false);
      expect(inWorktree(tree, join(tree, 'dangling', 'a.ts'))).toBe(false);
    } finally {
      cleanup();
    }
  });
});

describe('StageAgent on the sample app', () => {
  let app: SampleApp;
  let t: TestContext;
  const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });
  const newTicket = async (title: string): Promise<string> => {
    const r = await run(`create ticket "${title}" --kind task`);
    const id = /TASK-\d{4}-\d{3}/.exec(r.message)?.[0];
    if (!id) throw new Error(r.message);
    return id;
  };
  const stageChange = async (title: string, path: string, content: string): Promise<string> => {
    const id = await newTicket(title);
    await ensureStaged(t.engine.context({ agent: 'stage', run: false }), id);
    stagedFile(t, id, path, content);
    return id;
  };

  beforeAll(() => {
    app = buildSampleApp({
      allTestsPass: true,
      config: {
        deploy: {
          staging: [
            ['node', '-e', "console.log('deploying ' + process.env.AGENTDECK_TICKET + ' to ' + process.env.AGENTDECK_ENV)"],
            // The project's .env reaches deploy commands (supabase db push --db-url ...), SUPABASE_YES from a file never does.
            ['node', '-e', "console.log('db ' + process.env.SUPABASE_DB_URL + ' yes ' + (process.env.SUPABASE_YES ?? 'unset'))"],
          ],
        },
      },
    });
    t = makeContext({ root: app.root, run: false });
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  it('adds staged/ and .agentdeck/ to the repository exclude file once, leaving the tree clean', async () => {
    await ensureIgnoreRules(app.root);
    await ensureIgnoreRules(app.root);
    const exclude = readFileSync(join(app.root, '.git/info/exclude'), 'utf8');
    expect(exclude.match(/^\/staged\/$/gm)).toHaveLength(1);
    expect(exclude.match(/^\/\.agentdeck\/$/gm)).toHaveLength(1);
    expect(app.git('status', '--porcelain')).toBe('');
  });

  it('answers clearly when there is nothing to review, deploy or roll back', async () => {
    const review = await run('review TASK-2026-999');
    expect(review.status).toBe('failed');
    expect(review.message).toContain('TASK-2026-999 has no staged environment');
    const deploy = await run('deploy staging');
    expect(deploy.message).toMatch(/deploy staging needs a ticket: add --ticket <id>/);
    const rollback = await run('rollback TASK-2026-999');
    expect(rollback.message).toBe('TASK-2026-999 has no live deployment to roll back');
    const emergency = await run('emergency rollback last deployment');
    expect(emergency.message).toBe('no live deployment to roll back');
  });

  it('deploys to staging with the configured commands, streaming their output as events', async () => {
    writeFileSync(join(app.root, '.env'), 'SUPABASE_DB_URL=postgresql://deployer@127.0.0.1:5/app\nSUPABASE_YES=1\n');
    appendFileSync(join(app.root, '.git/info/exclude'), '/.env\n');
    const savedYes = process.env.SUPABASE_YES;
    delete process.env.SUPABASE_YES;
    const id = await stageChange('Add a banner', 'lib/banner.ts', "export const banner = 'hello';\n");
    const dry = await run(`deploy staging --ticket ${id} --dry-run`);
    expect(dry.status).toBe('done');
    expect(dry.message).toContain('dry run');
    expect(app.git('branch', '--list', 'staging')).toBe('');

    const r = await run(`deploy staging --ticket ${id}`);
    if (savedYes !== undefined) process.env.SUPABASE_YES = savedYes;
    expect(r.status).toBe('done');
    expect(r.message).toContain(`${id} deployed to staging as `);
    expect(app.git('show', 'staging:lib/banner.ts')).toContain('hello');
    const output = t.events.filter((e) => e.kind === 'output' && e.data?.source === 'deploy.staging');
    expect(output.map((e) => e.message)).toEqual([`deploying ${id} to staging`, 'db postgresql://deployer@127.0.0.1:5/app yes unset']);
    expect(t.events.some((e) => e.kind === 'deployment' && e.level === 'success' && e.message.startsWith('Staging deployment successful'))).toBe(true);
    const rows = listDeployments(t.state).filter((d) => d.ticketId === id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ env: 'staging', status: 'succeeded', branch: `agentdeck/${id}` });
    expect(listAudit(t.state).some((a) => a.action === 'deploy staging' && a.target === id && a.result === 'succeeded')).toBe(true);
    // A deploy command ran: the ticket is deployed there, and its lifecycle says so.
    expect(getTicket(t.state, id)?.status).toBe('deployed to staging');
    expect(ticketEvents(t.state, id).at(-1)?.note).toBe(`${rows[0]!.id}: deployed to staging`);

    const twice = await run(`deploy staging --ticket ${id}`);
    expect(twice.message).toContain('nothing to deploy');
    rmSync(join(app.root, '.env'));
  });

  it('refuses a deploy whose merge conflicts, leaving the deploy branch as it was', async () => {
    const a = await stageChange('Colour red', 'lib/colour.ts', "export const colour = 'red';\n");
    const b = await stageChange('Colour blue', 'lib/colour.ts', "export const colour = 'blue';\n");
    expect((await run(`deploy staging --ticket ${a}`)).status).toBe('done');
    const before = app.git('rev-parse', 'staging');
    const r = await run(`deploy staging --ticket ${b}`);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(new RegExp(`could not merge agentdeck/${b} at [0-9a-f]{12} into staging: conflicts in lib/colour.ts`));
    expect(app.git('rev-parse', 'staging')).toBe(before);
    expect(listDeployments(t.state).find((d) => d.ticketId === b)?.status).toBe('failed');
  });

  it('production needs an approval confirmed by typing the ticket id; a dirty tree is refused', async () => {
    const id = await stageChange('Footer text', 'lib/footer.ts', "export const footer = 'v2';\n");
    const mainBefore = app.git('rev-parse', 'main');
    const waiting = await run(`deploy production --ticket ${id}`);
    expect(waiting.status).toBe('waiting_approval');
    const approval = waiting.approvalId ?? /APR-\d+/.exec(waiting.message)?.[0];
    expect(approval).toBeTruthy();
    // Asked again, the tests run again (taking another time): still the same action, the same approval.
    const again = await run(`deploy production --ticket ${id}`);
    expect(again.message).toContain(`Waiting for approval ${approval} (the same action`);

    const untyped = await run(`approve ${approval}`);
    expect(untyped.ok).toBe(false);
    expect(untyped.message).toContain('typed confirmation');
    expect(app.git('rev-parse', 'main')).toBe(mainBefore);

    writeFileSync(join(app.root, 'notes.txt'), 'my work in progress\n');
    const dirty = await run(`approve ${approval} --confirm ${id}`);
    expect(dirty.ok).toBe(false);
    expect(dirty.message).toContain('your working tree has uncommitted changes');
    expect(app.git('rev-parse', 'main')).toBe(mainBefore);
    expect(readFileSync(join(app.root, 'notes.txt'), 'utf8')).toBe('my work in progress\n');
    rmSync(join(app.root, 'notes.txt'));
  });

  it('an approved production deploy merges into the user branch; rollback reverts it there', async () => {
    const id = await stageChange('Header text', 'lib/header.ts', "export const header = 'v2';\n");
    const waiting = await run(`deploy production --ticket ${id}`);
    const approval = waiting.approvalId ?? /APR-\d+/.exec(waiting.message)?.[0];
    const before = t.events.length;
    const r = await run(`approve ${approval} --confirm ${id}`);
    expect(r.status).toBe('done');
    // No deploy.production configured: only the branch moved, and it says so (never "successful").
    expect(r.message).toMatch(new RegExp(`^Approved APR-\\d+; ${id} merged into \\S+ at [0-9a-f]{12} as DEPLOY-\\d{4}-\\d{3}; no deploy command configured for production \\(set deploy\\.production in agentdeck\\.config\\.json\\)`));
    const deployEvents = t.events.slice(before).filter((e) => e.kind === 'deployment');
    expect(deployEvents.some((e) => e.message.includes('successful'))).toBe(false);
    expect(deployEvents.some((e) => e.level === 'warn' && e.message.includes('no deploy command configured for production'))).toBe(true);
    expect(readFileSync(join(app.root, 'lib/header.ts'), 'utf8')).toContain('v2');
    const rb = await run(`rollback ${id} --dry-run`);
    expect(rb.message).toContain('would roll back');
    expect((await run(`rollback ${id}`)).status).toBe('done');
    expect(existsSync(join(app.root, 'lib/header.ts'))).toBe(false);
  });

  it('emergency deploy hotfix skips the tests and waits for a typed approval', async () => {
    const id = await stageChange('Hotfix', 'lib/hotfix.ts', 'export const fixed = true;\n');
    const r = await run(`emergency deploy hotfix --ticket ${id}`);
    expect(r.status).toBe('waiting_approval');
    const lines = t.lines().join('\n');
    expect(lines).toContain(`Hotfix: tests skipped for ${id}`);
    expect(lines).not.toContain(`[STAGE] tests ${id}`);
    const approval = r.approvalId ?? /APR-\d+/.exec(r.message)?.[0];
    const done = await run(`approve ${approval} --confirm ${id}`);
    expect(done.status).toBe('done');
    expect(readFileSync(join(app.root, 'lib/hotfix.ts'), 'utf8')).toContain('fixed');
    const row = listDeployments(t.state).find((d) => d.ticketId === id);
    expect(row?.data).toMatchObject({ hotfix: true, skippedTests: true });
    expect(listAudit(t.state).some((a) => a.action === 'emergency deploy hotfix' && a.target === id)).toBe(true);
  });

  it('rolls back a deployed migration on the target database after approving its destructive SQL', async () => {
    const id = await stageChange('Preferences table', 'supabase/migrations/20260101000000_prefs.sql', 'create table public.prefs (id uuid primary key);\n');
    stagedFile(t, id, 'supabase/rollbacks/20260101000000_prefs.down.sql', 'drop table public.prefs;\n');
    expect((await run(`deploy staging --ticket ${id}`)).status).toBe('done');
    const dep = listDeployments(t.state).find((d) => d.ticketId === id && d.status === 'succeeded');
    expect(dep?.data.migrations).toEqual(['supabase/migrations/20260101000000_prefs.sql']);

    // The migration as the Migrator applies it to the local target database.
    const db = openTarget(app.root);
    await ensureHistory(db);
    await db.exec('create table public.prefs (id uuid primary key);');
    await recordApplied(db, '20260101000000', 'prefs', ['create table public.prefs (id uuid primary key)']);
    await db.close();

    const waiting = await run(`rollback ${id}`);
    expect(waiting.status).toBe('waiting_approval');
    expect(waiting.message).toContain('drops table public.prefs');
    const approval = waiting.approvalId ?? /APR-\d+/.exec(waiting.message)?.[0];
    const done = await run(`approve ${approval}`);
    expect(done.status).toBe('done');
    expect(done.lines?.join('\n')).toContain('✓ supabase/migrations/20260101000000_prefs.sql: supabase/rollbacks/20260101000000_prefs.down.sql on local');

    const after = openTarget(app.root);
    expect((await after.query("select to_regclass('public.prefs')::text as t")).rows[0]).toEqual({ t: null });
    expect((await readHistory(after)).map((m) => m.version)).not.toContain('20260101000000');
    await after.close();
  });

  it('skips migrations that are not applied to the target, with a line', async () => {
    const id = await stageChange('Tags table', 'supabase/migrations/20260102000000_tags.sql', 'create table public.tags (id uuid primary key);\n');
    expect((await run(`deploy staging --ticket ${id}`)).status).toBe('done');
    const r = await run(`rollback ${id}`);
    expect(r.status).toBe('done');
    expect(r.lines?.join('\n')).toContain('20260102000000_tags.sql: not applied to local');
  });

  it('runs the tests of one feature with the project runner', async () => {
    const r = await run('test customers');
    expect(r.status).toBe('done');
    expect(r.message).toMatch(/tests for "customers" passed: 1 passed, 0 failed/);
    expect(t.events.some((e) => e.kind === 'output' && e.message.includes('lists customers'))).toBe(true);
    const byTestName = await run('test tax before the discount');
    expect(byTestName.status).toBe('done');
    const none = await run('test warp drive');
    expect(none.status).toBe('failed');
    expect(none.message).toContain('no test matches "warp drive"');
  });

  it('never removes a dirty worktree without confirmation, and archives it first', async () => {
    const id = await stageChange('Scratch', 'lib/scratch.ts', 'export const s = 1;\n');
    const ctx = t.engine.context({ agent: 'stage', run: false });
    const refused = await removeStaged(ctx, id, false).catch((e: unknown) => e as Error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toContain('type the ticket id to confirm');
    const staged = getStaged(t.root, id);
    expect(staged && existsSync(staged.path)).toBe(true);

    const removed = await removeStaged(ctx, id, true);
    expect(removed.removed).toBe(true);
    expect(existsSync(removed.archive as string)).toBe(true);
    const patch = readdirSync(join(app.root, '.agentdeck/archive')).find((f) => f.endsWith(`${id}.patch`));
    expect(readFileSync(join(app.root, '.agentdeck/archive', patch as string), 'utf8')).toContain('export const s = 1;');
    expect(getStaged(t.root, id)).toBeNull();
    expect(app.git('branch', '--list', `agentdeck/${id}`)).toContain(id);
  });

  it('removes a clean worktree without asking', async () => {
    const id = await newTicket('Nothing yet');
    const ctx = t.engine.context({ agent: 'stage', run: false });
    await ensureStaged(ctx, id);
    expect(await removeStaged(ctx, id, false)).toEqual({ removed: true });
  });
});

describe('a staged worktree deleted by hand', () => {
  it('is recreated on the same branch with its commits', async () => {
    const app = buildSampleApp({ allTestsPass: true });
    const t = makeContext({ root: app.root, run: false });
    try {
      const ctx = t.engine.context({ agent: 'stage', run: false });
      const { staged } = await ensureStaged(ctx, 'TASK-2026-050');
      writeFileSync(join(staged.path, 'x.txt'), 'kept\n');
      app.git('-C', staged.path, 'add', 'x.txt');
      app.git('-C', staged.path, 'commit', '-qm', 'x');
      rmSync(staged.path, { recursive: true, force: true });
      expect(getStaged(t.root, 'TASK-2026-050')).toBeNull();
      const again = await ensureStaged(ctx, 'TASK-2026-050');
      expect(again.created).toBe(true);
      expect(readFileSync(join(again.staged.path, 'x.txt'), 'utf8')).toBe('kept\n');
    } finally {
      t.cleanup();
      app.cleanup();
    }
  });
});

describe('deploy commands that fail', () => {
  it('undo the merge, record the failure, and name the command', async () => {
    const app = buildSampleApp({ allTestsPass: true, config: { deploy: { staging: [['node', '-e', 'console.error("upload refused"); process.exit(3)']] } } });
    const t = makeContext({ root: app.root, run: false });
    try {
      const ctx = t.engine.context({ agent: 'stage', run: false });
      const { staged } = await ensureStaged(ctx, 'TASK-2026-060');
      const empty = await t.engine.dispatch('review TASK-2026-060', { initiator: 'you' });
      expect(empty.message).toContain('has no changes yet');
      writeFileSync(join(staged.path, 'lib/flag.ts'), 'export const flag = true;\n');

      const r = await t.engine.dispatch('deploy staging --ticket TASK-2026-060', { initiator: 'you' });
      expect(r.status).toBe('failed');
      expect(r.message).toMatch(/deploy\.staging failed: .* exited with code 3/);
      expect(t.events.some((e) => e.kind === 'output' && e.message === 'upload refused')).toBe(true);
      expect(() => app.git('cat-file', '-e', 'staging:lib/flag.ts')).toThrow();
      expect(listDeployments(t.state)[0]).toMatchObject({ ticketId: 'TASK-2026-060', status: 'failed' });

      writeFileSync(join(app.root, 'agentdeck.config.json'), '{ "deploy": { "stagin": [] } }');
      app.git('add', 'agentdeck.config.json');
      app.git('commit', '-qm', 'typo in config');
      const bad = await t.engine.dispatch('deploy staging --ticket TASK-2026-060', { initiator: 'you' });
      expect(bad.message).toContain('agentdeck.config.json: deploy.stagin: unknown setting');
    } finally {
      t.cleanup();
      app.cleanup();
    }
  });
});

describe('discard', () => {
  it('asks for the typed ticket id before archiving and removing a worktree with work in it', async () => {
    const app = buildSampleApp({ allTestsPass: true });
    const t = makeContext({ root: app.root, run: false });
    try {
      const ctx = t.engine.context({ agent: 'stage', run: false });
      const { staged } = await ensureStaged(ctx, 'TASK-2026-070');
      expect(app.git('-C', staged.path, 'status', '--porcelain')).toBe('');
      writeFileSync(join(staged.path, 'draft.md'), 'half done\n');
      const waiting = await t.engine.dispatch('discard TASK-2026-070', { initiator: 'you' });
      expect(waiting.status).toBe('waiting_approval');
      expect(existsSync(staged.path)).toBe(true);
      const approval = waiting.approvalId ?? /APR-\d+/.exec(waiting.message)?.[0];
      const done = await t.engine.dispatch(`approve ${approval} --confirm TASK-2026-070`, { initiator: 'you' });
      expect(done.status).toBe('done');
      expect(done.message).toContain('archived to .agentdeck/archive/');
      expect(existsSync(staged.path)).toBe(false);
      expect(app.git('show', 'agentdeck/TASK-2026-070:draft.md')).toBe('half done');
    } finally {
      t.cleanup();
      app.cleanup();
    }
  });
});
