// The vendored Management API spec as a router: finds the operation of a request and checks the
// request (path and query parameters, body) and the fake's answers against it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate, type Schema, type SchemaContext } from './schema.js';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface MatchedOperation {
  readonly method: string;
  /** The spec's path template: `/v1/projects/{ref}/database/backups`. */
  readonly template: string;
  readonly operationId: string;
  readonly params: Record<string, string>;
  readonly operation: Operation;
}

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  operation: Operation;
}

export const SPEC_PATH = join(dirname(fileURLToPath(import.meta.url)), 'openapi.json');
/** Operations newer than the vendored spec, written by hand (see its info.description). */
export const NEWER_SPEC_PATH = join(dirname(fileURLToPath(import.meta.url)), 'newer-openapi.json');

type SpecDoc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> }; 'x-extends'?: Record<string, Record<string, Schema>> };

/** The vendored spec with the newer operations, their schemas and the properties they add merged in. */
function loadSpec(path: string, newer: string | null): SpecDoc {
  const spec = JSON.parse(readFileSync(path, 'utf8')) as SpecDoc;
  if (!newer) return spec;
  const extra = JSON.parse(readFileSync(newer, 'utf8')) as SpecDoc;
  for (const [p, item] of Object.entries(extra.paths)) spec.paths[p] = { ...spec.paths[p], ...item };
  Object.assign(spec.components.schemas, extra.components.schemas);
  for (const [name, props] of Object.entries(extra['x-extends'] ?? {})) {
    const target = spec.components.schemas[name] as { properties?: Record<string, Schema> } | undefined;
    if (target) target.properties = { ...target.properties, ...props };
  }
  return spec;
}

export class ManagementSpec implements SchemaContext {
  private readonly spec: SpecDoc;
  private readonly routes: Route[] = [];

  constructor(path = SPEC_PATH, newer: string | null = NEWER_SPEC_PATH) {
    this.spec = loadSpec(path, newer);
    for (const [template, item] of Object.entries(this.spec.paths)) {
      const names: string[] = [];
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      for (const [method, operation] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        this.routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), names, operation });
      }
    }
    // Literal segments win over parameters: /backups/restore before /backups/{id}.
    this.routes.sort((a, b) => a.names.length - b.names.length);
  }

  resolve(ref: string): Schema {
    const name = ref.replace('#/components/schemas/', '');
    const schema = this.spec.components.schemas[name];
    if (!schema) throw new Error(`unknown schema ${ref}`);
    return schema;
  }

  match(method: string, pathname: string): MatchedOperation | null {
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.regex.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
      return { method, template: r.template, operationId: r.operation.operationId ?? `${method} ${r.template}`, params, operation: r.operation };
    }
    return null;
  }

  /** Every way the request breaks the spec; empty when it is valid. */
  checkRequest(op: MatchedOperation, query: URLSearchParams, contentType: string | null, body: unknown, hasBody: boolean): string[] {
    const problems: string[] = [];
    for (const p of op.operation.parameters ?? []) {
      if (p.in === 'path') problems.push(...validate(p.schema, coerce(p.schema, op.params[p.name]), this, `path.${p.name}`));
      if (p.in === 'query') {
        const raw = query.get(p.name);
        if (raw === null) {
          if (p.required) problems.push(`query.${p.name}: required`);
        } else problems.push(...validate(p.schema, coerce(p.schema, raw), this, `query.${p.name}`));
      }
    }
    const known = new Set((op.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of query.keys()) if (!known.has(name)) problems.push(`query.${name}: not a parameter of ${op.operationId}`);
    const rb = op.operation.requestBody;
    if (!rb) {
      if (hasBody) problems.push(`body: ${op.operationId} takes no body`);
      return problems;
    }
    if (!hasBody) {
      if (rb.required) problems.push('body: required');
      return problems;
    }
    const json = rb.content?.['application/json'];
    if (!json) return [...problems, `body: ${op.operationId} does not take JSON`];
    if (!contentType?.includes('application/json')) problems.push(`content-type: expected application/json, got ${contentType ?? 'none'}`);
    problems.push(...validate(json.schema, body, this, 'body'));
    return problems;
  }

  /** Checks an answer of the fake against the spec's response schema for that status. */
  checkResponse(op: MatchedOperation, status: number, body: unknown): string[] {
    const declared = op.operation.responses[String(status)];
    if (!declared) return status >= 400 ? [] : [`response ${status}: not declared for ${op.operationId}`];
    const schema = declared.content?.['application/json']?.schema;
    if (!schema) return [];
    return validate(schema, body, this, `response(${op.operationId})`);
  }
}

function coerce(schema: Schema | undefined, raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  if (schema?.type === 'integer' || schema?.type === 'number') return Number(raw);
  if (schema?.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}
