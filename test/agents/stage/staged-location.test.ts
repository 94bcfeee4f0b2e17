// Where staged worktrees live and what they get: outside the project by default (keyed by
// project under the user's data directory), where the config says otherwise, found again through
// `git worktree list` when made before under ./staged/, and with the project's node_modules
// whatever form its .gitignore gives the rule.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stagedBase, shownPath } from '../../../src/agents/stage/layout.js';
import { ensureStaged, getStaged } from '../../../src/agents/stage/worktrees.js';
import { createTicket } from '../../../src/services/state/tickets.js';
import { buildNextApp, type NextApp, type NodeModulesIgnore } from '../../fixtures/next-app/build.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

let app: NextApp | null = null;
let t: TestContext | null = null;
afterEach(() => {
  t?.cleanup();
  app?.cleanup();
  t = null;
  app = null;
});

function open(options: Parameters<typeof buildNextApp>[0] = {}): { app: NextApp; t: TestContext; ticket: string } {
  app = buildNextApp(options);
  t = makeContext({ root: app.root, agent: 'stage' });
  const ticket = createTicket(t.state, { kind: 'BUG', title: 'estimates are not saved' }).id;
  return { app, t, ticket };
}

describe('staged worktrees', () => {
  it.each<NodeModulesIgnore>(['node_modules/', '/node_modules', 'node_modules'])(
    'with "%s" in .gitignore: outside the project, with node_modules and .env.local, nothing untracked',
    async (ignore) => {
      const { app, t, ticket } = open({ ignore, env: { NEXT_PUBLIC_SUPABASE_URL: 'http://127.0.0.1:54321' } });
      const { staged, created } = await ensureStaged(t.ctx, ticket);
      expect(created).toBe(true);
      expect(relative(app.root, staged.path).startsWith('..')).toBe(true);
      expect(staged.path.startsWith(join(process.env.XDG_DATA_HOME ?? '', 'agentdeck'))).toBe(true);
      expect(lstatSync(join(staged.path, 'node_modules')).isSymbolicLink()).toBe(true);
      expect(existsSync(join(staged.path, 'node_modules', 'typescript', 'package.json'))).toBe(true);
      expect(readFileSync(join(staged.path, '.env.local'), 'utf8')).toBe('NEXT_PUBLIC_SUPABASE_URL=http://127.0.0.1:54321\n');
      expect(app.git('-C', staged.path, 'status', '--porcelain')).toBe('');
      expect(app.git('status', '--porcelain')).toBe('');
      expect(t.lines()).toContain(`[STAGE] ✓ Created staged environment: ${staged.path}/`);
    },
  );

  it("gets Next.js's generated route types, which the app's next-env.d.ts imports, and stays clean", async () => {
    const { app, t, ticket } = open();
    const types = 'type LayoutProps<Route extends string> = { params: Promise<Record<string, string>>; children: unknown; route?: Route };\n';
    mkdirSync(join(app.root, '.next', 'types'), { recursive: true });
    writeFileSync(join(app.root, '.next', 'types', 'routes.d.ts'), types);
    expect(app.git('status', '--porcelain')).toBe('');
    const { staged } = await ensureStaged(t.ctx, ticket);
    expect(readFileSync(join(staged.path, '.next', 'types', 'routes.d.ts'), 'utf8')).toBe(types);
    expect(app.git('-C', staged.path, 'status', '--porcelain')).toBe('');
  });

  it('is keyed by the project: two checkouts of one app get different places', () => {
    const a = buildNextApp();
    const b = buildNextApp();
    try {
      expect(stagedBase(a.root)).not.toBe(stagedBase(b.root));
      expect(stagedBase(a.root)).toMatch(/\/agentdeck\/next-app-[^/]+-[0-9a-f]{10}\/staged$/);
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it('goes where the config says (relative to the project, or ~/)', () => {
    const { app } = open({ config: { staged: '../elsewhere/staged' } });
    expect(stagedBase(app.root)).toBe(join(app.root, '..', 'elsewhere', 'staged'));
    writeFileSync(join(app.root, 'agentdeck.config.json'), '{"staged": "~/agentdeck-worktrees"}');
    expect(stagedBase(app.root)).toMatch(/\/agentdeck-worktrees$/);
    expect(shownPath(app.root, join(app.root, 'staged', 'x'))).toBe('./staged/x/');
    expect(shownPath(app.root, '/elsewhere/x')).toBe('/elsewhere/x/');
  });

  it('one made earlier under ./staged/ without a record is found through git worktree list', () => {
    const { app, t, ticket } = open();
    const legacy = join(app.root, 'staged', `2025-12-01_14-30-22_${ticket}`);
    execFileSync('git', ['worktree', 'add', '-q', '-b', `agentdeck/${ticket}`, legacy], { cwd: app.root });
    const found = getStaged(t.ctx, ticket);
    expect(found).toMatchObject({ ticketId: ticket, path: legacy, branch: `agentdeck/${ticket}`, base: 'main' });
    expect(found?.baseSha).toBe(app.git('rev-parse', 'main'));
    expect(getStaged(t.ctx, 'BUG-1999-999')).toBeNull();
  });
});
