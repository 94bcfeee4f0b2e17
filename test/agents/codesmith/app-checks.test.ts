// CodeSmith on create-next-app shaped apps (node:test and vitest): the generated files pass the
// app's own type check (its tsc, its stock strict tsconfig) and its own test command, and the
// generated route really saves through the app's Supabase helper: a route that answers 201
// without saving fails the generated test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult } from '../../../src/agents/types.js';
import { appEnv, detectTestRunner, resolveArgv } from '../../../src/services/exec/test-runner.js';
import { buildNextApp, type NextApp, type TestRunnerShape } from '../../fixtures/next-app/build.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

/** The app's own test command (package.json `test`), run as the user would in `dir`. */
function appTests(dir: string, files: readonly string[]): { ok: boolean; output: string } {
  const runner = detectTestRunner(dir);
  if (!runner) throw new Error('the fixture has no test command');
  const { cmd, args } = resolveArgv(dir, [...runner.argv, ...files]);
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...appEnv(dir), CI: '1', NO_COLOR: '1' } });
  return { ok: r.status === 0, output: `${r.stdout}\n${r.stderr}` };
}

/** The app's own `tsc --noEmit` over its whole tsconfig. */
function appTsc(dir: string): { ok: boolean; output: string } {
  const { cmd, args } = resolveArgv(dir, ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, output: r.stdout + r.stderr };
}

describe.each<TestRunnerShape>(['node', 'vitest'])('generate api on a create-next-app app tested with %s', (runner) => {
  let app: NextApp;
  let t: TestContext;
  let worktree = '';
  let ticket = '';
  const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });

  beforeAll(() => {
    app = buildNextApp({ runner });
    t = makeContext({ root: app.root, run: false });
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  it('writes a POST route that inserts through lib/supabase/server and a test that reads the row back', async () => {
    const r = await run('generate api /api/customers --methods GET,POST');
    expect(r.message).toMatch(/tests: 4 passed, 0 failed/);
    expect(r.status).toBe('done');
    worktree = (r.data as { worktree: string }).worktree;
    ticket = (r.data as { ticketId: string }).ticketId;
    expect((r.data as { files: string[] }).files).toEqual(['app/api/customers/handlers.ts', 'app/api/customers/route.ts', 'app/api/customers/route.test.ts']);
    const route = readFileSync(join(worktree, 'app/api/customers/route.ts'), 'utf8');
    expect(route).toContain("import { createClient } from '@/lib/supabase/server';");
    const handlers = readFileSync(join(worktree, 'app/api/customers/handlers.ts'), 'utf8');
    expect(handlers).toContain(".from(TABLE).insert(body).select().single()");
    expect(handlers).toContain("const TABLE = 'customers';");
    // No import of a .ts file unless the app's tsconfig allows it (TS5097).
    const test = readFileSync(join(worktree, 'app/api/customers/route.test.ts'), 'utf8');
    expect(test).toContain(runner === 'node' ? "from './handlers.ts'" : "from './handlers'");
  });

  it('writes row routes for GET, PATCH and DELETE by key', async () => {
    const r = await run(`generate api /api/customers/[id] --methods GET,PATCH,DELETE --ticket ${ticket}`);
    expect(r.message).toMatch(/tests: 3 passed, 0 failed/);
    expect(r.status).toBe('done');
  });

  it("passes the app's own tsc and test command in the worktree", () => {
    const tsc = appTsc(worktree);
    expect(tsc.output).toBe('');
    expect(tsc.ok).toBe(true);
    const tests = appTests(worktree, ['app/api/customers/route.test.ts']);
    expect(tests.output).not.toMatch(/ERR_MODULE_NOT_FOUND|No test files found/);
    expect(tests.ok).toBe(true);
  });

  it('fails its test when the route answers 201 without saving the row', () => {
    const file = join(worktree, 'app/api/customers/handlers.ts');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replace('await supabase.from(TABLE).insert(body).select().single()', '{ data: body, error: null }'));
      expect(readFileSync(file, 'utf8')).not.toBe(original);
      expect(appTests(worktree, ['app/api/customers/route.test.ts']).ok).toBe(false);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('writes a component without a test the app cannot load, and says why', async () => {
    const r = await run(`generate component EstimateCard --ticket ${ticket}`);
    expect(r.status).toBe('done');
    expect((r.data as { files: string[] }).files).toEqual(['components/EstimateCard.tsx']);
    expect(t.lines().join('\n')).toContain(`Component test skipped: the project's ${runner === 'node' ? 'node --test' : 'vitest'} cannot load .tsx files`);
    expect(appTsc(worktree).output).toBe('');
  });

  it('writes an MCP tool that queries its table and registers it in the edge function', async () => {
    const r = await run(`generate mcp-tool create_estimates --ticket ${ticket}`);
    expect(r.message).toMatch(/tests: 4 passed, 0 failed/);
    expect(r.status).toBe('done');
    expect((r.data as { files: string[] }).files).toEqual([
      'supabase/functions/mcp-server/tools/create_estimates.ts',
      'supabase/functions/mcp-server/tools/create_estimates.test.ts',
      'supabase/functions/mcp-server/index.ts',
    ]);
    expect(readFileSync(join(worktree, 'supabase/functions/mcp-server/index.ts'), 'utf8')).toBe(
      "import { estimateTools } from './tools/estimate_tools.ts';\nimport { createEstimatesTool } from './tools/create_estimates.ts';\n\nexport const tools = [...estimateTools, createEstimatesTool];\n",
    );
    expect(readFileSync(join(worktree, 'supabase/functions/mcp-server/tools/create_estimates.ts'), 'utf8')).toContain(".from('estimates').insert(args.values as object).select()");
    const refused = await run(`generate mcp-tool estimates_magic --ticket ${ticket}`);
    expect(refused.message).toBe('"estimates_magic" does not say what the tool does: name it <verb>_<table> with verb get, list, create, update, delete (e.g. create_estimates)');
  });

  it('leaves a route on a collection without its key as one clear line', async () => {
    const r = await run(`generate api /api/invoices --methods DELETE --ticket ${ticket}`);
    expect(r.message).toBe('DELETE /api/invoices needs the row it changes: add its key to the route (e.g. /api/invoices/[id])');
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: app.root, encoding: 'utf8' })).toBe('');
  });
});

describe('generate component on a vitest app that transforms JSX', () => {
  it("writes a .test.tsx the app's vitest loads and passes", async () => {
    const app = buildNextApp({ runner: 'vitest', jsx: true });
    const t = makeContext({ root: app.root, run: false });
    try {
      const r = await t.engine.dispatch('generate component EstimateCard', { initiator: 'you' });
      expect(r.message).toMatch(/tests: 1 passed, 0 failed/);
      expect(r.status).toBe('done');
      const worktree = (r.data as { worktree: string }).worktree;
      expect((r.data as { files: string[] }).files).toEqual(['components/EstimateCard.tsx', 'components/EstimateCard.test.tsx']);
      expect(appTests(worktree, ['components/EstimateCard.test.tsx']).ok).toBe(true);
      expect(appTsc(worktree).output).toBe('');
    } finally {
      t.cleanup();
      app.cleanup();
    }
  });
});

describe('generate api on an app configured with `npm test` (as init writes it)', () => {
  it.each<TestRunnerShape>(['node', 'vitest'])('reads the %s runner through the script and its generated test passes', async (runner) => {
    const app = buildNextApp({ runner, config: { test: 'npm test' } });
    const t = makeContext({ root: app.root, run: false });
    try {
      expect(detectTestRunner(app.root, ['npm', 'test'])?.kind).toBe(runner);
      const r = await t.engine.dispatch('generate api /api/customers --methods POST', { initiator: 'you' });
      expect(r.message).toMatch(/tests: 3 passed, 0 failed/);
      expect(r.status).toBe('done');
    } finally {
      t.cleanup();
      app.cleanup();
    }
  });
});
