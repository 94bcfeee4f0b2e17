// A real Postgres server (Supabase's direct connection, or any server) through the `pg` driver.
import pg from 'pg';
import { DbError, type Db, type DbExecutor, type QueryOptions, type QueryResult } from './types.js';

export interface OpenPgOptions {
  readonly connectionString: string;
  /** Default: `host:port/database` from the connection string (never its credentials). */
  readonly target?: string;
  readonly max?: number;
  /** How long an idle connection stays open (pg's default: 10 s). */
  readonly idleTimeoutMillis?: number;
}

/** `host:port/database` of a connection string, for locks, approvals and messages. */
export function targetName(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const database = url.pathname.replace(/^\//, '') || 'postgres';
    return `${url.hostname}:${url.port || '5432'}/${decodeURIComponent(database)}`;
  } catch {
    return 'remote';
  }
}

function toResult(r: pg.QueryResult): QueryResult {
  return {
    rows: r.rows as Record<string, unknown>[],
    rowCount: r.rowCount ?? r.rows.length,
    command: r.command ?? '',
    fields: (r.fields ?? []).map((f) => ({ name: f.name })),
  };
}

function toDbError(err: unknown): Error {
  if (err instanceof Error && 'severity' in err) {
    const e = err as pg.DatabaseError;
    const position = e.position === undefined ? undefined : Number(e.position);
    return new DbError(e.message, e.code, Number.isFinite(position) ? position : undefined, e.detail, e.hint);
  }
  return err instanceof Error ? err : new Error(String(err));
}

function executor(client: pg.Pool | pg.PoolClient): DbExecutor {
  return {
    async query<R>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult<R>> {
      try {
        const values = [...params];
        return toResult(await (options?.prepare ? client.query({ name: options.prepare, text: sql, values }) : client.query(sql, values))) as QueryResult<R>;
      } catch (err) {
        throw toDbError(err);
      }
    },
    async exec(sql: string): Promise<QueryResult[]> {
      try {
        // Without parameters pg uses the simple protocol, which runs several statements.
        const out = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
        return (Array.isArray(out) ? out : [out]).map(toResult);
      } catch (err) {
        throw toDbError(err);
      }
    },
  };
}

class PgDb implements Db {
  readonly kind = 'pg' as const;
  readonly target: string;
  private readonly pool: pg.Pool;
  private readonly base: DbExecutor;
  private isClosed = false;

  constructor(options: OpenPgOptions) {
    this.target = options.target ?? targetName(options.connectionString);
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 4, ...(options.idleTimeoutMillis ? { idleTimeoutMillis: options.idleTimeoutMillis } : {}) });
    // An idle client's network error must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
    this.base = executor(this.pool);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    return this.base.query<R>(sql, params, options);
  }

  exec(sql: string): Promise<QueryResult[]> {
    return this.base.exec(sql);
  }

  async transaction<T>(fn: (tx: DbExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toDbError(err);
    }
    const tx = executor(client);
    try {
      await tx.exec('BEGIN');
      const out = await fn(tx);
      await tx.exec('COMMIT');
      return out;
    } catch (err) {
      await tx.exec('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.pool.end();
  }
}

export function openPg(options: OpenPgOptions): Db {
  return new PgDb(options);
}
