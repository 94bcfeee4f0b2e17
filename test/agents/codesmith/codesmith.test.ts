// CodeSmith's generators on the sample app: conventions, templates, compiler and linter checks,
// generated tests that run, and free-form requests that need a model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runTests } from '../../../src/services/exec/test-runner.js';
import type { CommandResult } from '../../../src/agents/types.js';
import type { AgentRuntime } from '../../../src/agents/runtime/types.js';
import { detectConventions } from '../../../src/agents/codesmith/conventions.js';
import { apiRoute, normaliseRoute, toCamel, toPascal } from '../../../src/agents/codesmith/templates.js';
import { exportedFunctions, typecheck } from '../../../src/agents/codesmith/typecheck.js';
import { hasEslint, lint } from '../../../src/agents/codesmith/lint.js';
import { buildSampleApp, type SampleApp } from '../../fixtures/sample-app/build.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

describe('conventions', () => {
  const dirs: string[] = [];
  const project = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'conv-'));
    dirs.push(dir);
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), c);
    }
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('detects a src/app router, src/components, vitest and extensionless imports', () => {
    const dir = project({
      'src/app/page.tsx': '',
      'src/components/A.tsx': '',
      'package.json': JSON.stringify({ devDependencies: { vitest: '1' } }),
      'tsconfig.json': '{ // comment\n "compilerOptions": { "moduleResolution": "bundler", "paths": { "@/*": ["./src/*"] }, }, }',
    });
    expect(detectConventions(dir)).toMatchObject({ appDir: 'src/app', componentsDir: 'src/components', runner: 'vitest', importExt: '', rootAlias: true });
  });

  it('detects a pages router with jest and NodeNext imports', () => {
    const dir = project({
      'pages/api/x.ts': '',
      'package.json': JSON.stringify({ scripts: { test: 'jest' } }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { moduleResolution: 'NodeNext' } }),
    });
    expect(detectConventions(dir)).toMatchObject({ appDir: null, pagesApiDir: 'pages/api', componentsDir: 'src/components', runner: 'jest', importExt: '.js' });
  });

  it("finds the app's Supabase helper and imports it through the alias, or relatively without one", () => {
    const helper = "import { createServerClient } from '@supabase/ssr';\nexport async function createSupabaseServer() {\n  return createServerClient('u', 'k', { cookies: { getAll: () => [], setAll: () => {} } });\n}\n";
    const src = project({ 'src/app/page.tsx': '', 'src/utils/supabase/server.ts': helper, 'tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } }, "include": ["**/*.ts"] }' });
    expect(detectConventions(src).supabaseHelper).toEqual({ file: 'src/utils/supabase/server.ts', exportName: 'createSupabaseServer', aliasImport: '@/utils/supabase/server' });
    const plain = project({ 'app/page.tsx': '', 'lib/supabase/server.ts': 'export const createClient = async () => null;\n', 'tsconfig.json': '{ "compilerOptions": { "moduleResolution": "bundler" } }' });
    const c = detectConventions(plain);
    expect(c).toMatchObject({ rootAlias: false, aliasRoot: null, supabaseHelper: { file: 'lib/supabase/server.ts', exportName: 'createClient', aliasImport: null } });
    const route = apiRoute(c, '/api/estimates', ['POST']).find((f) => f.path === 'app/api/estimates/route.ts');
    expect(route?.content).toContain("import { createClient } from '../../../lib/supabase/server';");
    expect(detectConventions(project({ 'app/page.tsx': '' })).supabaseHelper).toBeNull();
  });

  it('writes vitest-style tests for vitest projects', () => {
    const dir = project({ 'app/page.tsx': '', 'package.json': JSON.stringify({ devDependencies: { vitest: '1' } }) });
    const [route, test] = apiRoute(detectConventions(dir), '/api/orders/[id]', ['GET', 'DELETE']);
    expect(route?.path).toBe('app/api/orders/[id]/route.ts');
    expect(route?.content).toContain('context: { params: Promise<{ id: string }> }');
    expect(test?.content).toContain("import { describe, expect, it } from 'vitest';");
    expect(test?.content).toContain("from './route'");
    expect(test?.content).toContain('expect(res.status).toEqual(200);');
  });
});

describe('templates and compiler helpers', () => {
  it('normalises routes and refuses anything else', () => {
    expect(normaliseRoute('/api/estimates/')).toEqual({ route: '/api/estimates', segments: ['api', 'estimates'] });
    expect(normaliseRoute('estimates/[id]')?.route).toBe('/api/estimates/[id]');
    expect(normaliseRoute('customer portal login')).toBeNull();
    expect(normaliseRoute('/')).toBeNull();
    expect(normaliseRoute('../etc')).toBeNull();
    expect(toPascal('create_estimate-record')).toBe('CreateEstimateRecord');
    expect(toCamel('create_estimate_record')).toBe('createEstimateRecord');
  });

  it('finds exported functions', () => {
    const text = 'export function a() {}\nexport const b = () => 1;\nexport const c = 2;\nfunction d() {}\nexport async function GET() {}\n';
    expect(exportedFunctions('x.ts', text)).toEqual([
      { name: 'a', arity: 0 },
      { name: 'b', arity: 0 },
      { name: 'GET', arity: 0 },
    ]);
  });

  it('reports type errors with file:line, using a default config without tsconfig', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-'));
    writeFileSync(join(dir, 'bad.ts'), "export const n: number = 'x';\n");
    const diags = typecheck(dir, ['bad.ts']);
    expect(diags).toEqual([expect.objectContaining({ file: 'bad.ts', line: 1, code: 'TS2322', severity: 'error' })]);
    expect(typecheck(dir, [])).toEqual([]);
    expect(hasEslint(dir)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says why ESLint did not run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-'));
    expect(await lint(dir)).toEqual({ ran: false, findings: [], note: 'no ESLint config or eslint binary in the project' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('generate on the sample app', () => {
  let app: SampleApp;
  let t: TestContext;
  let feat = '';
  const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });
  const worktree = (r: CommandResult): string => (r.data as { worktree: string }).worktree;

  beforeAll(() => {
    app = buildSampleApp({ allTestsPass: true });
    t = makeContext({ root: app.root, run: false });
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  it('generates an API route with every method and dynamic params, type-checked, linted and tested', async () => {
    const r = await run('generate api /api/estimates/[id] --methods GET,POST,PUT,PATCH,DELETE');
    expect(r.message).toContain('generated api /api/estimates/[id]');
    expect(r.status).toBe('done');
    feat = (r.data as { ticketId: string }).ticketId;
    expect(r.message).toContain(`${feat} (new ticket)`);
    expect(r.message).toMatch(/tests: 8 passed, 0 failed/);
    const lines = t.lines().join('\n');
    expect(lines).toContain(`[ORCHESTRATOR] ✓ Ticket created: ${feat}`);
    expect(lines).toContain('[CODESMITH] ✓ TypeScript strict check passed (2 file(s))');
    expect(lines).toContain('[CODESMITH] ✓ ESLint passed');
    expect(app.git('-C', worktree(r), 'log', '-1', '--format=%s')).toBe(`${feat}: generate api /api/estimates/[id]`);
  });

  it('generates a component into the components folder, in the same ticket, without a test node --test cannot load', async () => {
    const r = await run(`generate component EstimateCard --ticket ${feat}`);
    expect(r.status).toBe('done');
    expect((r.data as { files: string[] }).files).toEqual(['components/EstimateCard.tsx']);
    expect(t.lines().join('\n')).toContain("Component test skipped: the project's node --test cannot load .tsx files (vitest with the React plugin and .tsx in its include, or jest with ts-jest, @swc/jest or next/jest, can)");
    expect(readFileSync(join(worktree(r), 'components/EstimateCard.tsx'), 'utf8')).toContain('export function EstimateCard');
  });

  it('generates an MCP tool next to the existing tools', async () => {
    const r = await run(`generate mcp-tool create_estimate_record --ticket ${feat}`);
    expect(r.status).toBe('done');
    expect(r.message).toMatch(/tests: 4 passed, 0 failed/);
    // The sample app's edge function has no index.ts: said, not hidden.
    expect(t.lines().join('\n')).toContain('create_estimate_record is not registered: supabase/functions/mcp-server/tools/../index.ts does not exist');
    expect(existsSync(join(worktree(r), 'supabase/functions/mcp-server/tools/create_estimate_record.ts'))).toBe(true);
  });

  it('generates a test for an existing file', async () => {
    const r = await run(`generate test lib/customers.ts --ticket ${feat}`);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('already exist');
    const format = await run(`generate test lib/format.ts --ticket ${feat}`);
    expect(format.status).toBe('done');
    expect(format.message).toMatch(/tests: 1 passed, 0 failed/);
    // The route imports through the `@/` alias, which node --test cannot resolve: reported, not hidden.
    const route = await run('generate test app/api/customers/route.ts');
    expect(route.status).toBe('failed');
    expect(route.message).toContain('generated with problems');
    expect(readFileSync(join(worktree(route), 'app/api/customers/route.test.ts'), 'utf8')).toContain("it('GET answers with a Response'");
    const missing = await run(`generate test lib/nothing.ts --ticket ${feat}`);
    expect(missing.message).toContain('lib/nothing.ts does not exist in the project');
    const noFns = await run(`generate test lib/estimates.test.ts --ticket ${feat}`);
    expect(noFns.message).toContain('exports no function to test');
  });

  it('reports generated code that fails the checks', async () => {
    const r = await run(`generate component Bad_Name --ticket ${feat}`);
    // Names are valid identifiers; a clash with an existing file is refused instead of overwritten.
    expect(r.status).toBe('done');
    const clash = await run(`generate component BadName --ticket ${feat}`);
    expect(clash.status).toBe('failed');
    expect(clash.message).toContain('components/BadName.tsx');
  });

  it('refuses an unknown ticket and sends free-form requests to the model runtime', async () => {
    const unknown = await run('generate component Foo --ticket FEAT-2026-999');
    expect(unknown.message).toBe('ticket FEAT-2026-999 does not exist ("status" lists the tickets; "create ticket" files one)');
    const free = await run('generate api endpoint "customer portal login" with oauth2 support');
    expect(free.status).toBe('needs_model');
    expect(free.message).toContain('needs a model runtime');
  });
});

describe('a pages-router project', () => {
  it('gets a pages/api handler with its test kept outside pages/, both passing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pages-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', scripts: { test: 'node --test' } }));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'ESNext', moduleResolution: 'Bundler', allowImportingTsExtensions: true, target: 'ES2022', types: ['node'], typeRoots: [join(process.cwd(), 'node_modules/@types')] } }));
      mkdirSync(join(dir, 'pages/api'), { recursive: true });
      const c = detectConventions(dir);
      expect(c).toMatchObject({ appDir: null, pagesApiDir: 'pages/api' });
      const files = apiRoute(c, '/api/estimates/[id]', ['GET', 'PATCH', 'DELETE']);
      expect(files.map((f) => f.path)).toEqual(['pages/api/estimates/[id].ts', '__tests__/pages/api/estimates/[id].test.ts']);
      for (const f of files) {
        mkdirSync(join(dir, f.path, '..'), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
      expect(typecheck(dir, files.map((f) => f.path)).filter((d) => d.severity === 'error')).toEqual([]);
      execFileSync('git', ['init', '-q'], { cwd: dir });
      const run = await runTests(dir, { kind: 'node', argv: ['node', '--test'] }, { files: [files[1]?.path as string] });
      expect(run.failures).toEqual([]);
      expect(run.passed).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a free-form generation with a model', () => {
  it('may not write to a sibling folder whose name starts with the worktree name', async () => {
    const app = buildSampleApp();
    const decisions: Record<string, boolean>[] = [];
    const runtime: AgentRuntime = {
      name: 'claude',
      hasModel: true,
      async run(request, io) {
        const ask = async (file_path: string): Promise<boolean> => (await io.requestPermission({ tool: 'Write', input: { file_path } })).allow;
        decisions.push({
          inside: await ask(join(request.cwd, 'lib/portal.ts')),
          sibling: await ask(`${request.cwd}0/lib/portal.ts`),
          above: await ask(`${request.cwd}/../other/lib/portal.ts`),
        });
        return { status: 'failed', text: 'probed', costUsd: null };
      },
    };
    const t = makeContext({ root: app.root, run: false, runtime });
    try {
      const r = await t.engine.dispatch('generate api endpoint "customer portal login" with oauth2 support', { initiator: 'you' });
      expect(r.message).toBe('probed');
      expect(decisions).toEqual([{ inside: true, sibling: false, above: false }]);
    } finally {
      t.cleanup();
      app.cleanup();
    }
  });
});
