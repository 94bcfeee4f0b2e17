// An app-router API route that reads and writes its table through the app's own Supabase helper.
// The logic lives in `handlers.ts`, which takes the client as an argument: `route.ts` passes the
// helper's client, and the test passes an in-memory client, so a handler that answers 201 without
// saving the row fails its test under every runner (node:test has no module mocking by default).
import { posix } from 'node:path';
import type { Conventions, SupabaseHelper } from './conventions.js';
import type { GeneratedFile } from './templates.js';

interface RouteShape {
  readonly route: string;
  readonly segments: readonly string[];
}

/** The table a route names: its last static segment, in snake case (`estimate-lines` -> `estimate_lines`). */
export function tableOf(segments: readonly string[]): string | null {
  const last = [...segments].reverse().find((s) => !s.startsWith('[') && s !== 'api');
  return last ? last.replace(/-/g, '_') : null;
}

function helperImport(c: Conventions, helper: SupabaseHelper, from: string): string {
  if (helper.aliasImport) return helper.aliasImport;
  const rel = posix.relative(from, helper.file.replace(/\.ts$/, ''));
  return `${rel.startsWith('.') ? rel : `./${rel}`}${c.importExt}`;
}

const ROW_METHODS = new Set(['PUT', 'PATCH', 'DELETE']);

function handlerSource(method: string, key: string | null): string {
  const params = key ? `, params: Params` : '';
  switch (method) {
    case 'GET':
      return key
        ? `export async function handleGET(supabase: Supabase, _request: Request, params: Params): Promise<Response> {
  const { data, error } = await supabase.from(TABLE).select('*').eq(KEY, params.${key}).maybeSingle();
  if (error) return errorResponse(error);
  if (!data) return Response.json({ error: \`no row with \${KEY} \${params.${key}}\` }, { status: 404 });
  return Response.json({ data });
}
`
        : `export async function handleGET(supabase: Supabase, request: Request): Promise<Response> {
  const limit = Math.min(Math.max(Number(new URL(request.url).searchParams.get('limit')) || 100, 1), 1000);
  const { data, error } = await supabase.from(TABLE).select('*').limit(limit);
  if (error) return errorResponse(error);
  return Response.json({ items: data ?? [] });
}
`;
    case 'POST':
      return `/** Answers 201 only with the row the database saved. */
export async function handlePOST(supabase: Supabase, request: Request): Promise<Response> {
  const body = await jsonObject(request);
  if (body instanceof Response) return body;
  const { data, error } = await supabase.from(TABLE).insert(body).select().single();
  if (error || !data) return errorResponse(error ?? { message: 'the row was not saved' });
  return Response.json({ data }, { status: 201 });
}
`;
    case 'DELETE':
      return `export async function handleDELETE(supabase: Supabase${params}): Promise<Response> {
  const { data, error } = await supabase.from(TABLE).delete().eq(KEY, params.${key}).select();
  if (error) return errorResponse(error);
  if (!data || data.length === 0) return Response.json({ error: \`no row with \${KEY} \${params.${key}}\` }, { status: 404 });
  return Response.json({ deleted: data.length });
}
`;
    default:
      return `export async function handle${method}(supabase: Supabase, request: Request${params}): Promise<Response> {
  const body = await jsonObject(request);
  if (body instanceof Response) return body;
  const { data, error } = await supabase.from(TABLE).update(body).eq(KEY, params.${key}).select().single();
  if (error || !data) return errorResponse(error ?? { message: 'the row was not saved' });
  return Response.json({ data });
}
`;
  }
}

/** Whether the route's handler for `method` needs the dynamic segments. */
const usesParams = (method: string, key: string | null): boolean => key !== null && method !== 'POST';

function routeMethod(method: string, key: string | null): string {
  const withParams = usesParams(method, key);
  const request = method === 'DELETE' ? '_request' : 'request';
  const signature = withParams ? `${request}: Request, context: { params: Promise<Params> }` : method === 'DELETE' ? '' : 'request: Request';
  const args = [method === 'DELETE' ? null : 'request', withParams ? 'await context.params' : null].filter((a) => a !== null);
  return `export async function ${method}(${signature}): Promise<Response> {
  return handle${method}(await createClient()${args.map((a) => `, ${a}`).join('')});
}
`;
}

const FAKE = `type Row = Record<string, unknown>;
interface Failure {
  message: string;
  code: string;
}
interface Result {
  data: Row[] | null;
  error: Failure | null;
}

/** An in-memory Supabase client: the rows it saves are in \`tables\`. */
function fakeSupabase(failure: Failure | null = null) {
  const tables: Record<string, Row[]> = {};
  const client = {
    from(table: string) {
      const rows = (tables[table] ??= []);
      let op: 'select' | 'insert' | 'update' | 'delete' = 'select';
      let payload: Row = {};
      const filters: [string, unknown][] = [];
      const run = (): Result => {
        if (failure) return { data: null, error: failure };
        if (op === 'insert') {
          const row = { id: \`row-\${rows.length + 1}\`, ...payload };
          rows.push(row);
          return { data: [row], error: null };
        }
        const hit = rows.filter((r) => filters.every(([k, v]) => r[k] === v));
        if (op === 'update') hit.forEach((r) => Object.assign(r, payload));
        if (op === 'delete') hit.forEach((r) => rows.splice(rows.indexOf(r), 1));
        return { data: hit, error: null };
      };
      const builder = {
        insert(values: Row) {
          op = 'insert';
          payload = values;
          return builder;
        },
        update(values: Row) {
          op = 'update';
          payload = values;
          return builder;
        },
        delete() {
          op = 'delete';
          return builder;
        },
        select() {
          return builder;
        },
        limit() {
          return builder;
        },
        eq(column: string, value: unknown) {
          filters.push([column, value]);
          return builder;
        },
        single(): Promise<{ data: Row | null; error: Failure | null }> {
          const r = run();
          if (r.error) return Promise.resolve({ data: null, error: r.error });
          return Promise.resolve(r.data?.length === 1 ? { data: r.data[0] ?? null, error: null } : { data: null, error: { message: 'JSON object requested, multiple (or no) rows returned', code: 'PGRST116' } });
        },
        maybeSingle(): Promise<{ data: Row | null; error: Failure | null }> {
          const r = run();
          return Promise.resolve(r.error ? { data: null, error: r.error } : { data: r.data?.[0] ?? null, error: null });
        },
        then<T>(resolve: (value: Result) => T, reject?: (reason: unknown) => T): Promise<T> {
          return Promise.resolve(run()).then(resolve, reject);
        },
      };
      return builder;
    },
  };
  return { client: client as unknown as Supabase, tables };
}
`;

function methodTests(method: string, table: string, key: string | null, url: string, eq: (a: string, b: string) => string): string {
  const params = key ? `, { ${key}: 'row-1' }` : '';
  const seed = `fake.tables['${table}'] = [{ id: 'row-1', ${key && key !== 'id' ? `${key}: 'row-1', ` : ''}name: 'Acme' }];`;
  switch (method) {
    case 'POST':
      return `  it('POST saves the row and answers 201 with it', async () => {
    const fake = fakeSupabase();
    const res = await handlePOST(fake.client, new Request('${url}', { method: 'POST', body: JSON.stringify({ name: 'Acme' }) }));
    ${eq('res.status', '201')}
    ${eq(`fake.tables['${table}']`, "[{ id: 'row-1', name: 'Acme' }]")}
    ${eq('await res.json()', `{ data: fake.tables['${table}']?.[0] }`)}
  });

  it('POST answers the database error and not 201 when the insert fails', async () => {
    const fake = fakeSupabase({ message: 'duplicate key value violates unique constraint', code: '23505' });
    const res = await handlePOST(fake.client, new Request('${url}', { method: 'POST', body: JSON.stringify({ name: 'Acme' }) }));
    ${eq('res.status', '409')}
    ${eq('await res.json()', "{ error: 'duplicate key value violates unique constraint' }")}
  });

  it('POST refuses a body that is not a JSON object and saves nothing', async () => {
    const fake = fakeSupabase();
    ${eq(`(await handlePOST(fake.client, new Request('${url}', { method: 'POST', body: 'not json' }))).status`, '400')}
    ${eq(`(await handlePOST(fake.client, new Request('${url}', { method: 'POST', body: '[1]' }))).status`, '422')}
    ${eq(`fake.tables['${table}'] ?? []`, '[]')}
  });
`;
    case 'GET':
      return key
        ? `  it('GET answers the row, or 404 when there is none', async () => {
    const fake = fakeSupabase();
    ${seed}
    const res = await handleGET(fake.client, new Request('${url}')${params});
    ${eq('res.status', '200')}
    ${eq('((await res.json()) as { data: Row }).data.name', "'Acme'")}
    ${eq(`(await handleGET(fake.client, new Request('${url}'), { ${key}: 'row-9' })).status`, '404')}
  });
`
        : `  it('GET lists the rows', async () => {
    const fake = fakeSupabase();
    ${seed}
    const res = await handleGET(fake.client, new Request('${url}?limit=10'));
    ${eq('res.status', '200')}
    ${eq('await res.json()', `{ items: fake.tables['${table}'] }`)}
  });
`;
    case 'DELETE':
      return `  it('DELETE removes the row, or answers 404', async () => {
    const fake = fakeSupabase();
    ${seed}
    ${eq(`(await handleDELETE(fake.client${params})).status`, '200')}
    ${eq(`fake.tables['${table}']`, '[]')}
    ${eq(`(await handleDELETE(fake.client${params})).status`, '404')}
  });
`;
    default:
      return `  it('${method} saves the change', async () => {
    const fake = fakeSupabase();
    ${seed}
    const res = await handle${method}(fake.client, new Request('${url}', { method: '${method}', body: JSON.stringify({ name: 'Beta' }) })${params});
    ${eq('res.status', '200')}
    ${eq(`fake.tables['${table}']?.[0]?.name`, "'Beta'")}
  });
`;
  }
}

/** The route, its handlers and their test; throws a one-line reason when the route cannot persist. */
export function persistedApiRoute(
  c: Conventions,
  helper: SupabaseHelper,
  norm: RouteShape,
  methods: readonly string[],
  folder: string,
  testHeader: string,
  eq: (a: string, b: string) => string,
): GeneratedFile[] {
  const table = tableOf(norm.segments);
  if (!table) throw new Error(`${norm.route} names no table: end it with the table's name (e.g. /api/estimates)`);
  const params = norm.segments.filter((s) => s.startsWith('[')).map((s) => s.slice(1, -1));
  const key = params.at(-1) ?? null;
  const rowless = methods.filter((m) => ROW_METHODS.has(m) && !key);
  if (rowless.length > 0) throw new Error(`${rowless.join(', ')} ${norm.route} needs the row it changes: add its key to the route (e.g. ${norm.route}/[id])`);
  const paramsType = params.length > 0 ? `type Params = { ${params.map((p) => `${p}: string`).join('; ')} };\n` : '';
  const usesBody = methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH');
  const handlers = `// ${norm.route}: ${methods.join(', ')} on table ${table}, through the client of ${helper.file}.
import type { ${helper.exportName} } from '${helperImport(c, helper, folder)}';

export type Supabase = Awaited<ReturnType<typeof ${helper.exportName}>>;
${paramsType ? `export ${paramsType}` : ''}
const TABLE = '${table}';
${key ? `const KEY = '${key}';\n` : ''}
/** Errors the caller can fix answer 4xx with the database's message; the rest 500. */
function errorResponse(error: { message: string; code?: string }): Response {
  const code = error.code ?? '';
  const status = code === 'PGRST116' ? 404 : code === '23505' ? 409 : /^(22|23)/.test(code) || code.startsWith('PGRST') ? 400 : 500;
  return Response.json({ error: error.message }, { status });
}
${
  usesBody
    ? `
async function jsonObject(request: Request): Promise<Record<string, unknown> | Response> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: 'expected a JSON body' }, { status: 400 });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return Response.json({ error: 'expected a JSON object' }, { status: 422 });
  }
  return body as Record<string, unknown>;
}
`
    : ''
}
${methods.map((m) => handlerSource(m, key)).join('\n')}`;
  const names = methods.map((m) => `handle${m}`);
  const route = `// ${norm.route}: ${methods.join(', ')}
import { ${helper.exportName === 'createClient' ? 'createClient' : `${helper.exportName} as createClient`} } from '${helperImport(c, helper, folder)}';
import { ${names.join(', ')}${methods.some((m) => usesParams(m, key)) ? ', type Params' : ''} } from './handlers${c.importExt}';

${methods.map((m) => routeMethod(m, key)).join('\n')}`;
  const url = `http://localhost${norm.route.replace(/\[([^\]]+)\]/g, 'row-1')}`;
  const test = `${testHeader}import { ${names.join(', ')}, type Supabase } from './handlers${c.importExt}';

${FAKE}
describe('${norm.route}', () => {
${methods.map((m) => methodTests(m, table, key, url, eq)).join('\n')}});
`;
  return [
    { path: `${folder}/handlers.ts`, content: handlers, kind: 'source' },
    { path: `${folder}/route.ts`, content: route, kind: 'source' },
    { path: `${folder}/route.test.ts`, content: test, kind: 'test' },
  ];
}
