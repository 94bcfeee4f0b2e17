// Source templates for CodeSmith's generators, shaped by the target's conventions.
import { posix } from 'node:path';
import type { Conventions } from './conventions.js';
import { persistedApiRoute } from './persisted-route.js';

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
  readonly kind: 'source' | 'test';
  /** Set when the file is an edit of an existing one: its content before the edit. */
  readonly original?: string;
}

/** The imports a test file needs for the target's runner. */
function testHeader(c: Conventions): string {
  if (c.runner === 'vitest') return "import { describe, expect, it } from 'vitest';\n";
  if (c.runner === 'jest') return "import { describe, expect, it } from '@jest/globals';\n";
  return "import { describe, it } from 'node:test';\nimport assert from 'node:assert/strict';\n";
}

/** `expect(a).toBe(b)` or `assert.equal(a, b)`. */
function eq(c: Conventions, actual: string, expected: string): string {
  return c.runner === 'vitest' || c.runner === 'jest' ? `expect(${actual}).toEqual(${expected});` : `assert.deepEqual(${actual}, ${expected});`;
}

export const toPascal = (s: string): string => s.replace(/(^|[-_\s]+)([a-zA-Z0-9])/g, (_m, _s, ch: string) => ch.toUpperCase());
export const toCamel = (s: string): string => {
  const p = toPascal(s);
  return p.charAt(0).toLowerCase() + p.slice(1);
};
const toKebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();

/** `/api/estimates/[id]` -> normalised route and its folder segments. */
export function normaliseRoute(route: string): { route: string; segments: string[] } | null {
  const trimmed = route.trim().replace(/^\/+|\/+$/g, '');
  if (!trimmed) return null;
  const segments = trimmed.split('/');
  if (!segments.every((s) => /^([a-z0-9][a-z0-9_-]*|\[[a-zA-Z_][a-zA-Z0-9_]*\])$/.test(s))) return null;
  if (segments[0] !== 'api') segments.unshift('api');
  return { route: `/${segments.join('/')}`, segments };
}

function methodBody(method: string, route: string, params: string[]): string {
  const paramsArg = params.length > 0 ? `, context: { params: Promise<{ ${params.map((p) => `${p}: string`).join('; ')} }> }` : '';
  const paramsRead = params.length > 0 ? `  const { ${params.join(', ')} } = await context.params;\n` : '';
  const echo = params.length > 0 ? `, ${params.join(', ')}` : '';
  if (method === 'GET') {
    return `/** GET ${route} */
export async function GET(request: Request${paramsArg}): Promise<Response> {
${paramsRead}  const query = Object.fromEntries(new URL(request.url).searchParams);
  return Response.json({ items: [], query${echo} });
}
`;
  }
  if (method === 'DELETE') {
    return `/** DELETE ${route} */
export async function DELETE(${params.length > 0 ? `_request: Request${paramsArg}` : ''}): Promise<Response> {
${paramsRead}  return Response.json({ deleted: true${echo} });
}
`;
  }
  const status = method === 'POST' ? 201 : 200;
  return `/** ${method} ${route}: expects a JSON object. */
export async function ${method}(request: Request${paramsArg}): Promise<Response> {
${paramsRead}  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: 'expected a JSON body' }, { status: 400 });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return Response.json({ error: 'expected a JSON object' }, { status: 422 });
  }
  return Response.json({ data: body${echo} }, { status: ${status} });
}
`;
}

function methodTest(c: Conventions, method: string, url: string, params: string[]): string {
  const ctxArg = params.length > 0 ? `, { params: Promise.resolve({ ${params.map((p) => `${p}: 'x1'`).join(', ')} }) }` : '';
  if (method === 'GET') {
    return `  it('GET answers 200 with JSON', async () => {
    const res = await GET(new Request('${url}?page=2')${ctxArg});
    ${eq(c, 'res.status', '200')}
    const json = (await res.json()) as { items: unknown[]; query: Record<string, string> };
    ${eq(c, 'json.query', "{ page: '2' }")}
  });
`;
  }
  if (method === 'DELETE') {
    return `  it('DELETE answers 200', async () => {
    const res = await DELETE(${params.length > 0 ? `new Request('${url}', { method: 'DELETE' })${ctxArg}` : ''});
    ${eq(c, 'res.status', '200')}
  });
`;
  }
  const status = method === 'POST' ? 201 : 200;
  return `  it('${method} accepts a JSON object', async () => {
    const res = await ${method}(new Request('${url}', { method: '${method}', body: JSON.stringify({ name: 'Acme' }) })${ctxArg});
    ${eq(c, 'res.status', String(status))}
  });

  it('${method} refuses a body that is not JSON', async () => {
    const res = await ${method}(new Request('${url}', { method: '${method}', body: 'not json' })${ctxArg});
    ${eq(c, 'res.status', '400')}
  });
`;
}

/** A pages-router API route (`pages/api/...`), for projects without an app router. */
function pagesApiRoute(c: Conventions, pagesApiDir: string, norm: { route: string; segments: string[] }, methods: readonly string[]): GeneratedFile[] {
  const rest = norm.segments.slice(1);
  const file = `${pagesApiDir}/${rest.length > 0 ? rest.join('/') : 'index'}`;
  const params = rest.filter((s) => s.startsWith('[')).map((s) => s.slice(1, -1));
  const cases = methods.map((m) => {
    if (m === 'GET') return `    case 'GET':
      res.status(200).json({ items: [], query: req.query });
      return;`;
    if (m === 'DELETE') return `    case 'DELETE':
      res.status(200).json({ deleted: true${params.map((p) => `, ${p}: req.query.${p}`).join('')} });
      return;`;
    return `    case '${m}':
      if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
        res.status(422).json({ error: 'expected a JSON object' });
        return;
      }
      res.status(${m === 'POST' ? 201 : 200}).json({ data: req.body });
      return;`;
  });
  const source = `// ${norm.route}: ${methods.join(', ')}
export interface ApiRequest {
  readonly method?: string;
  readonly query: Partial<Record<string, string | string[]>>;
  readonly body?: unknown;
}

export interface ApiResponse {
  status(code: number): ApiResponse;
  json(body: unknown): void;
  setHeader(name: string, value: string): void;
}

export default async function handler(req: ApiRequest, res: ApiResponse): Promise<void> {
  switch (req.method) {
${cases.join('\n')}
    default:
      res.setHeader('Allow', '${methods.join(', ')}');
      res.status(405).json({ error: \`method \${req.method ?? '(none)'} is not allowed\` });
  }
}
`;
  const fake = `function fakeResponse() {
  const sent: { status: number; body: unknown; headers: Record<string, string> } = { status: 0, body: undefined, headers: {} };
  const res = {
    status(code: number) {
      sent.status = code;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
    },
  };
  return { res, sent };
}
`;
  const tests = methods.map((m) => {
    const body = m === 'GET' || m === 'DELETE' ? '' : ", body: { name: 'Acme' }";
    const status = m === 'POST' ? 201 : 200;
    return `  it('${m} answers ${status}', async () => {
    const { res, sent } = fakeResponse();
    await handler({ method: '${m}', query: {}${body} }, res);
    ${eq(c, 'sent.status', String(status))}
  });
`;
  });
  tests.push(`  it('refuses other methods with 405', async () => {
    const { res, sent } = fakeResponse();
    await handler({ method: 'TRACE', query: {} }, res);
    ${eq(c, "sent.headers['Allow']", `'${methods.join(', ')}'`)}
    ${eq(c, 'sent.status', '405')}
  });
`);
  // Tests stay out of pages/: Next.js would serve every file there as a route.
  const testPath = `__tests__/${file}.test.ts`;
  const importPath = posix.relative(posix.dirname(testPath), file);
  const test = `${testHeader(c)}import handler from '${importPath.startsWith('.') ? importPath : `./${importPath}`}${c.importExt}';

${fake}
describe('${norm.route}', () => {
${tests.join('\n')}});
`;
  return [
    { path: `${file}.ts`, content: source, kind: 'source' },
    { path: testPath, content: test, kind: 'test' },
  ];
}

export function apiRoute(c: Conventions, route: string, methods: readonly string[]): GeneratedFile[] {
  const norm = normaliseRoute(route);
  if (!norm) throw new Error(`"${route}" is not a route`);
  if (!c.appDir && c.pagesApiDir) return pagesApiRoute(c, c.pagesApiDir, norm, methods);
  const folder = `${c.appDir ?? 'app'}/${norm.segments.join('/')}`;
  // With the app's Supabase helper the route reads and writes its table through it.
  if (c.supabaseHelper) return persistedApiRoute(c, c.supabaseHelper, norm, methods, folder, testHeader(c), (a, b) => eq(c, a, b));
  const params = norm.segments.filter((s) => s.startsWith('[')).map((s) => s.slice(1, -1));
  const source = `// ${norm.route}: ${methods.join(', ')}\n\n${methods.map((m) => methodBody(m, norm.route, params)).join('\n')}`;
  const url = `http://localhost${norm.route.replace(/\[([^\]]+)\]/g, 'x1')}`;
  const test = `${testHeader(c)}import { ${methods.join(', ')} } from './route${c.importExt}';

describe('${norm.route}', () => {
${methods.map((m) => methodTest(c, m, url, params)).join('\n')}});
`;
  return [
    { path: `${folder}/route.ts`, content: source, kind: 'source' },
    { path: `${folder}/route.test.ts`, content: test, kind: 'test' },
  ];
}

export function component(c: Conventions, name: string): GeneratedFile[] {
  const pascal = toPascal(name);
  const cls = toKebab(pascal);
  const source = `import type { ReactNode } from 'react';

export interface ${pascal}Props {
  readonly title?: string;
  readonly children?: ReactNode;
}

export function ${pascal}({ title = '${pascal}', children }: ${pascal}Props) {
  return (
    <section className="${cls}" data-testid="${cls}">
      <h2>{title}</h2>
      {children}
    </section>
  );
}
`;
  const test = `${testHeader(c)}import { isValidElement } from 'react';
import { ${pascal} } from './${pascal}${c.importExt === '.ts' ? '.tsx' : c.importExt}';

describe('${pascal}', () => {
  it('renders a section marked for tests', () => {
    const element = ${pascal}({ title: 'Hello' });
    ${eq(c, 'isValidElement(element)', 'true')}
    ${eq(c, "element.props['data-testid']", `'${cls}'`)}
  });
});
`;
  return [
    { path: `${c.componentsDir}/${pascal}.tsx`, content: source, kind: 'source' },
    { path: `${c.componentsDir}/${pascal}.test.tsx`, content: test, kind: 'test' },
  ];
}

const TOOL_VERBS = ['get', 'list', 'create', 'update', 'delete'] as const;

/** What each verb does to the table, as the body of the handler after `args` is read. */
const TOOL_QUERIES: Record<(typeof TOOL_VERBS)[number], { needs: string[]; query: string; description: string }> = {
  get: { needs: ['id'], query: ".select('*').eq('id', args.id)", description: 'Reads one row by id' },
  list: { needs: [], query: ".select('*')", description: 'Lists the rows' },
  create: { needs: ['values'], query: '.insert(args.values).select()', description: 'Inserts one row and returns it' },
  update: { needs: ['id', 'values'], query: ".update(args.values).eq('id', args.id).select()", description: 'Changes one row by id and returns it' },
  delete: { needs: ['id'], query: ".delete().eq('id', args.id).select()", description: 'Deletes one row by id' },
};

/** Registers the tool in the edge function's index.ts (`export const tools = [...]`), or null when it has no such list. */
function registerTool(index: string, camel: string, file: string): string | null {
  const list = /(export\s+const\s+tools\b[^=]*=\s*\[)([\s\S]*?)(\])/.exec(index);
  if (!list) return null;
  const inner = list[2] ?? '';
  const items = inner.trim() === '' ? `${camel}Tool` : `${inner.replace(/,?\s*$/, '')}, ${camel}Tool`;
  const withList = index.replace(list[0], `${list[1]}${items}${list[3]}`);
  const imports = [...withList.matchAll(/^import[^\n]*\n/gm)];
  const last = imports.at(-1);
  // Edge functions run on Deno: imports name the .ts file.
  const line = `import { ${camel}Tool } from './tools/${file}.ts';\n`;
  if (!last || last.index === undefined) return `${line}${withList}`;
  const at = last.index + last[0].length;
  return `${withList.slice(0, at)}${line}${withList.slice(at)}`;
}

/**
 * An MCP tool named `<verb>_<table>` that runs its query through the edge function's Supabase
 * client, registered in the function's index.ts when it lists its tools there.
 */
export function mcpTool(c: Conventions, name: string, index: string | null = null): GeneratedFile[] {
  const verb = TOOL_VERBS.find((v) => name.startsWith(`${v}_`));
  if (!verb || name.length <= verb.length + 1) throw new Error(`"${name}" does not say what the tool does: name it <verb>_<table> with verb ${TOOL_VERBS.join(', ')} (e.g. create_estimates)`);
  const table = name.slice(verb.length + 1);
  const camel = toCamel(name);
  const spec = TOOL_QUERIES[verb];
  const properties = spec.needs.map((n) => `${n}: { type: '${n === 'id' ? 'string' : 'object'}' }`).join(', ');
  const checks = spec.needs
    .map((n) =>
      n === 'id'
        ? `    if (typeof args.id !== 'string' || args.id === '') return { ok: false, error: 'id must be a non-empty string' };`
        : `    if (args.values === null || typeof args.values !== 'object' || Array.isArray(args.values)) return { ok: false, error: 'values must be an object of columns' };`,
    )
    .join('\n');
  const source = `// MCP tool ${name}: ${spec.description.toLowerCase()} of table ${table}, through the edge function's Supabase client.
type Outcome = { ok: true; result: unknown } | { ok: false; error: string };

/** The part of the Supabase client the tool uses. */
export interface Query extends PromiseLike<{ data: unknown; error: { message: string } | null }> {
  select(columns?: string): Query;
  insert(values: object): Query;
  update(values: object): Query;
  delete(): Query;
  eq(column: string, value: unknown): Query;
}
export interface SupabaseLike {
  from(table: string): Query;
}

export const ${camel}Tool = {
  name: '${name}',
  description: '${spec.description} of ${table}',
  inputSchema: { type: 'object', properties: { ${properties} }, required: [${spec.needs.map((n) => `'${n}'`).join(', ')}], additionalProperties: false },
  async handler(input: unknown, supabase: SupabaseLike): Promise<Outcome> {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, error: 'expected an object of arguments' };
    const args = input as { id?: unknown; values?: object };
${checks}
    const { data, error } = await supabase.from('${table}')${spec.query.replace('args.values', 'args.values as object')};
    if (error) return { ok: false, error: error.message };
${verb === 'get' || verb === 'update' || verb === 'delete' ? `    if (!Array.isArray(data) || data.length === 0) return { ok: false, error: \`no ${table} row with id \${String(args.id)}\` };\n` : ''}    return { ok: true, result: ${verb === 'list' ? 'data' : 'Array.isArray(data) ? data[0] : data'} };
  },
};
`;
  const good = spec.needs.includes('values') ? `{ ${spec.needs.includes('id') ? "id: 'row-1', " : ''}values: { name: 'Beta' } }` : spec.needs.includes('id') ? "{ id: 'row-1' }" : '{}';
  const expected: Record<typeof verb, string> = {
    get: "{ ok: true, result: { id: 'row-1', name: 'Acme' } }",
    list: "{ ok: true, result: [{ id: 'row-1', name: 'Acme' }] }",
    create: "{ ok: true, result: { id: 'row-2', name: 'Beta' } }",
    update: "{ ok: true, result: { id: 'row-1', name: 'Beta' } }",
    delete: "{ ok: true, result: { id: 'row-1', name: 'Acme' } }",
  };
  const after: Record<typeof verb, string> = {
    get: "[{ id: 'row-1', name: 'Acme' }]",
    list: "[{ id: 'row-1', name: 'Acme' }]",
    create: "[{ id: 'row-1', name: 'Acme' }, { id: 'row-2', name: 'Beta' }]",
    update: "[{ id: 'row-1', name: 'Beta' }]",
    delete: '[]',
  };
  const test = `${testHeader(c)}import { ${camel}Tool, type SupabaseLike } from './${name}${c.importExt}';
${TOOL_FAKE}
describe('${name}', () => {
  it('is named ${name}', () => {
    ${eq(c, `${camel}Tool.name`, `'${name}'`)}
  });

  it('runs its query on ${table} and answers the row(s)', async () => {
    const fake = fakeSupabase();
    const out = await ${camel}Tool.handler(${good}, fake.client);
    ${eq(c, 'out', expected[verb])}
    ${eq(c, `fake.tables['${table}']`, after[verb])}
  });

  it('answers the database error', async () => {
    const fake = fakeSupabase('permission denied for table ${table}');
    const out = await ${camel}Tool.handler(${good}, fake.client);
    ${eq(c, 'out', `{ ok: false, error: 'permission denied for table ${table}' }`)}
  });

  it('refuses input that is not an object of the right arguments', async () => {
    const fake = fakeSupabase();
    ${eq(c, `(await ${camel}Tool.handler([], fake.client)).ok`, 'false')}
${spec.needs.length > 0 ? `    ${eq(c, `(await ${camel}Tool.handler({}, fake.client)).ok`, 'false')}
` : ''}  });
});
`.replace(/fake\.tables\['[^']+'\]/g, 'fake.rows');
  const files: GeneratedFile[] = [
    { path: `${c.mcpToolsDir}/${name}.ts`, content: source, kind: 'source' },
    { path: `${c.mcpToolsDir}/${name}.test.ts`, content: test, kind: 'test' },
  ];
  const registered = index === null ? null : registerTool(index, camel, name);
  if (index !== null && registered !== null) files.push({ path: `${c.mcpToolsDir.replace(/\/tools$/, '')}/index.ts`, content: registered, kind: 'source', original: index });
  return files;
}

/** The in-memory client of the tool tests: one table, seeded with one row. */
const TOOL_FAKE = `
function fakeSupabase(failure: string | null = null) {
  const rows: Record<string, unknown>[] = [{ id: 'row-1', name: 'Acme' }];
  const client = {
    from() {
      let op = 'select';
      let payload: Record<string, unknown> = {};
      const filters: [string, unknown][] = [];
      const builder = {
        select: () => builder,
        insert: (values: Record<string, unknown>) => ((op = 'insert'), (payload = values), builder),
        update: (values: Record<string, unknown>) => ((op = 'update'), (payload = values), builder),
        delete: () => ((op = 'delete'), builder),
        eq: (column: string, value: unknown) => (filters.push([column, value]), builder),
        then<T>(resolve: (value: { data: unknown; error: { message: string } | null }) => T): Promise<T> {
          if (failure) return Promise.resolve(resolve({ data: null, error: { message: failure } }));
          if (op === 'insert') {
            const row = { id: \`row-\${rows.length + 1}\`, ...payload };
            rows.push(row);
            return Promise.resolve(resolve({ data: [row], error: null }));
          }
          const hit = rows.filter((r) => filters.every(([k, v]) => r[k] === v));
          const before = hit.map((r) => ({ ...r }));
          if (op === 'update') hit.forEach((r) => Object.assign(r, payload));
          if (op === 'delete') hit.forEach((r) => rows.splice(rows.indexOf(r), 1));
          return Promise.resolve(resolve({ data: op === 'update' ? hit : before, error: null }));
        },
      };
      return builder;
    },
  };
  return { client: client as unknown as SupabaseLike, rows };
}
`;

/** A smoke test for an existing file: each exported function exists (routes answer a Response). */
export function testFor(c: Conventions, file: string, functions: readonly { name: string; arity: number }[]): GeneratedFile {
  const ext = /\.(tsx?|jsx?|mts|cts)$/.exec(file)?.[0] ?? '.ts';
  const base = file.slice(file.lastIndexOf('/') + 1, file.length - ext.length);
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  const importPath = `./${base}${c.importExt === '.ts' ? ext : c.importExt}`;
  const isRoute = base === 'route';
  const cases = functions.map(({ name: fn, arity }) =>
    isRoute && /^(GET|POST|PUT|PATCH|DELETE)$/.test(fn)
      ? `  it('${fn} answers with a Response', async () => {
    const res = await mod.${fn}(${arity === 0 ? '' : `new Request('http://localhost/', { method: '${fn}', body: ${fn === 'GET' || fn === 'DELETE' ? 'undefined' : "'{}'"} })${arity > 1 ? ', { params: Promise.resolve({}) } as never' : ''}`});
    ${eq(c, 'res instanceof Response', 'true')}
  });
`
      : `  it('exports ${fn}', () => {
    ${eq(c, `typeof mod.${fn}`, "'function'")}
  });
`,
  );
  const content = `${testHeader(c)}import * as mod from '${importPath}';

describe('${file}', () => {
${cases.join('\n')}});
`;
  return { path: `${dir === '.' ? '' : `${dir}/`}${base}.test${ext}`, content, kind: 'test' };
}
