// Applies one migration file statement by statement, so an error names the file and the line,
// and the rows each statement changed add up to the migration's impact.
import { DbError, type Db, type DbExecutor } from '../../services/postgres/types.js';
import { missingPlatformFeature, platformFeatureLine } from '../../services/postgres/supabase-bootstrap.js';
import { recordApplied } from './history.js';
import { lineWithin, needsOwnTransaction, parseStatements, SqlSyntaxError, type Statement } from './sql.js';

export interface ApplyError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
  readonly code?: string;
}

export interface ApplyOutcome {
  readonly file: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly statements: number;
  /** Rows inserted, updated or deleted. */
  readonly rowsAffected: number;
  /** False when a statement (CREATE INDEX CONCURRENTLY...) cannot run in a transaction. */
  readonly transactional: boolean;
  readonly error?: ApplyError;
}

const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY']);

export interface ApplyOptions {
  /** Record the migration in the history table (in the same transaction when there is one). */
  readonly record?: { readonly version: string; readonly name: string };
}

/**
 * Where a statement failed, as `file:line`. On a local database, a statement that needs what only
 * a full Supabase database has (pg_net, pg_cron, vault...) says so and how to point at one.
 */
function errorAt(file: string, statement: Statement, err: unknown, local: boolean): ApplyError {
  if (err instanceof DbError) {
    const line = lineWithin(statement, err.position);
    const missing = local ? missingPlatformFeature(err.message) : null;
    const message = missing ? platformFeatureLine(missing) : err.message;
    return { file, line, message, ...(err.code ? { code: err.code } : {}) };
  }
  return { file, line: statement.line, message: err instanceof Error ? err.message : String(err) };
}

/** Local databases are named (`local`, `scratch`, `shadow`); servers are `host:port/db`. */
const isLocal = (db: DbExecutor): boolean => !('target' in db) || !String((db as Db).target).includes(':');

class StatementFailed extends Error {
  constructor(readonly at: ApplyError) {
    super(at.message);
  }
}

async function runAll(db: DbExecutor, file: string, statements: readonly Statement[], local: boolean): Promise<number> {
  let rows = 0;
  for (const s of statements) {
    try {
      for (const r of await db.exec(s.text)) if (DML.has(r.command)) rows += r.rowCount;
    } catch (err) {
      throw new StatementFailed(errorAt(file, s, err, local));
    }
  }
  return rows;
}

/**
 * Runs the migration in one transaction (rolled back on error), or, when a statement cannot run
 * in a transaction, statement by statement. Never throws for SQL errors: they are in `error`.
 */
export async function applyMigration(db: Db, file: string, sql: string, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const started = performance.now();
  let statements: Statement[];
  try {
    statements = await parseStatements(sql);
  } catch (err) {
    const at = err instanceof SqlSyntaxError ? { line: err.line, message: `syntax error: ${err.reason}` } : { line: 1, message: String(err) };
    return { file, ok: false, durationMs: 0, statements: 0, rowsAffected: 0, transactional: true, error: { file, ...at } };
  }
  const transactional = !statements.some(needsOwnTransaction);
  const record = options.record;
  const texts = statements.map((s) => s.text);
  const done = (ok: boolean, rowsAffected: number, error?: ApplyError): ApplyOutcome => ({
    file,
    ok,
    durationMs: performance.now() - started,
    statements: statements.length,
    rowsAffected,
    transactional,
    ...(error ? { error } : {}),
  });
  try {
    let rows: number;
    if (transactional) {
      rows = await db.transaction(async (tx) => {
        const n = await runAll(tx, file, statements, isLocal(db));
        if (record) await recordApplied(tx, record.version, record.name, texts);
        return n;
      });
    } else {
      rows = await runAll(db, file, statements, isLocal(db));
      if (record) await recordApplied(db, record.version, record.name, texts);
    }
    return done(true, rows);
  } catch (err) {
    if (err instanceof StatementFailed) return done(false, 0, err.at);
    return done(false, 0, { file, line: 1, message: err instanceof Error ? err.message : String(err) });
  }
}
