// SQL through the real Postgres parser (libpg_query compiled to WASM): a migration file split
// into statements, each with its parse tree and the line it starts on.
import { loadModule, parseSync } from 'libpg-query';

/** One parsed statement: `kind` is the node type (CreateStmt, AlterTableStmt...), `node` its body. */
export interface Statement {
  readonly kind: string;
  readonly node: Record<string, unknown>;
  /** The statement's text, without the separating semicolon. */
  readonly text: string;
  /** 1-based line where the statement's first token is. */
  readonly line: number;
}

/** A syntax error with the line and column where the parser stopped. */
export class SqlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'SqlSyntaxError';
  }
}

let loaded: Promise<void> | null = null;

/** Loads the parser's WASM module once. */
export function ready(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** Line and column (1-based) of a byte offset in the UTF-8 encoding of `bytes`. */
function lineCol(bytes: Buffer, offset: number): { line: number; column: number } {
  const before = bytes.subarray(0, Math.max(0, Math.min(offset, bytes.length))).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Offset of the first token at or after `from`: skips whitespace and comments. */
function skipTrivia(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('--', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else return i;
  }
}

interface RawStmt {
  stmt?: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

/** Parses a script into its statements; throws SqlSyntaxError with the line of the error. */
export async function parseStatements(sql: string): Promise<Statement[]> {
  await ready();
  return parseStatementsSync(sql);
}

/** As parseStatements, once `ready()` has resolved. */
export function parseStatementsSync(sql: string): Statement[] {
  const bytes = Buffer.from(sql, 'utf8');
  let tree: { stmts?: RawStmt[] };
  try {
    tree = parseSync(sql) as { stmts?: RawStmt[] };
  } catch (err) {
    const details = (err as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    // cursorPosition is a 0-based byte offset.
    const at = lineCol(bytes, details?.cursorPosition ?? 0);
    throw new SqlSyntaxError(details?.message ?? (err as Error).message, at.line, at.column);
  }
  const out: Statement[] = [];
  for (const raw of tree.stmts ?? []) {
    // Locations and lengths are byte offsets; a length of 0 means "to the end of the script".
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    const chunk = bytes.subarray(start, end).toString('utf8');
    const prefix = bytes.subarray(0, start).toString('utf8');
    const first = skipTrivia(chunk, 0);
    const text = chunk.slice(first).replace(/;\s*$/, '').trimEnd();
    const [kind, node] = Object.entries(raw.stmt ?? {})[0] ?? ['Unknown', {}];
    const line = prefix.split('\n').length + (chunk.slice(0, first).split('\n').length - 1);
    out.push({ kind, node: node as Record<string, unknown>, text, line });
  }
  return out;
}

/** Line (1-based) within a statement's text of a 1-based character position Postgres reports. */
export function lineWithin(statement: Statement, position: number | undefined): number {
  if (!position || position < 1) return statement.line;
  return statement.line + (statement.text.slice(0, position - 1).split('\n').length - 1);
}

/** Statements that Postgres refuses to run inside a transaction block. */
export function needsOwnTransaction(statement: Statement): boolean {
  const n = statement.node;
  if (statement.kind === 'IndexStmt' && n.concurrent === true) return true;
  if (statement.kind === 'DropStmt' && n.concurrent === true) return true;
  if (statement.kind === 'ReindexStmt' && JSON.stringify(n.params ?? []).includes('"concurrently"')) return true;
  if (statement.kind === 'VacuumStmt') return true;
  if (statement.kind === 'CreatedbStmt' || statement.kind === 'DropdbStmt') return true;
  return false;
}

/** `schema.name` of a RangeVar node, `public` when unqualified, lowercased as Postgres folds it. */
export function relName(rangeVar: unknown): string {
  const r = (rangeVar ?? {}) as { schemaname?: string; relname?: string };
  return `${r.schemaname ?? 'public'}.${r.relname ?? '?'}`;
}
