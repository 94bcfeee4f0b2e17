// Databases on the project's local PostgreSQL server: the target (`postgres`, as on Supabase)
// and scratch copies made with CREATE DATABASE ... TEMPLATE (dry runs, scan shadows). Each is a
// `pg` pool that finds or starts the server on its first query.
import { ensureLocalServer, SCRATCH_TEMPLATE, TARGET_DATABASE, type LocalServer } from './local-server.js';
import { openPg } from './pg.js';
import { DbError, type Db, type DbExecutor, type QueryOptions, type QueryResult } from './types.js';

/** A local server database; `connectionString()` is for pg_dump / pg_restore (it holds the password). */
export interface LocalServerDb extends Db {
  readonly kind: 'pg';
  readonly database: string;
  connectionString(): Promise<string>;
}

/** Errors that mean the server went away (the keeper stopped it, or it was killed) between uses. */
function serverGone(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === '57P01' || code === '57P03' || code === 'ECONNRESET';
}

class LocalDatabase implements LocalServerDb {
  readonly kind = 'pg' as const;
  private inner: Promise<Db> | null = null;
  private isClosed = false;

  constructor(
    private readonly root: string,
    readonly database: string,
    readonly target: string,
    private readonly onClose?: (server: LocalServer) => Promise<void>,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  private open(): Promise<Db> {
    if (this.isClosed) return Promise.reject(new Error('the database is closed'));
    if (!this.inner) {
      const opening = ensureLocalServer(this.root).then((server) =>
        // Idle connections go quickly: a template copy needs its source free of sessions.
        openPg({ connectionString: server.url(this.database), target: this.target, idleTimeoutMillis: 500 }),
      );
      this.inner = opening;
      opening.catch(() => {
        if (this.inner === opening) this.inner = null;
      });
    }
    return this.inner;
  }

  /** Runs `fn` on the pool; once more on a fresh server when the old one went away. */
  private async run<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = await this.open();
    try {
      return await fn(db);
    } catch (error) {
      if (!serverGone(error)) throw error;
      this.inner = null;
      await db.close().catch(() => undefined);
      return fn(await this.open());
    }
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    return this.run((db) => db.query<R>(sql, params, options));
  }

  exec(sql: string): Promise<QueryResult[]> {
    return this.run((db) => db.exec(sql));
  }

  transaction<T>(fn: (tx: DbExecutor) => Promise<T>): Promise<T> {
    return this.open().then((db) => db.transaction(fn));
  }

  async connectionString(): Promise<string> {
    return (await ensureLocalServer(this.root)).url(this.database);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    const inner = this.inner;
    this.inner = null;
    const db = inner ? await inner.catch(() => null) : null;
    await db?.close();
    if (this.onClose) await this.onClose(await ensureLocalServer(this.root));
  }
}

/** The local target database. Cheap: nothing starts until the first query. */
export function openLocalTarget(root: string): LocalServerDb {
  return new LocalDatabase(root, TARGET_DATABASE, 'local');
}

let scratchCount = 0;

async function admin<T>(server: LocalServer, fn: (db: Db) => Promise<T>): Promise<T> {
  // Database-level commands run from template1, never a copy's source, so no session of ours blocks one.
  const db = openPg({ connectionString: server.url('template1'), target: 'local-admin', max: 1 });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * CREATE DATABASE ... TEMPLATE needs its source free of other sessions. Idle sessions (pools of
 * agentdeck processes, which reconnect on their next query) are ended; one in a transaction is
 * waited for, a few times, before giving up with the reason.
 */
async function copyDatabase(db: Db, name: string, template: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.exec(`create database ${quote(name)} template ${quote(template)}`);
      return;
    } catch (error) {
      if (!(error instanceof DbError) || error.code !== '55006' || attempt >= 20) throw error;
      await db.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and state = 'idle'`,
        [template],
      );
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * A scratch database on the local server: a copy of `from` (the target, for a dry run of what an
 * execute will meet) or of the bootstrapped empty template. Dropped when closed.
 */
export async function openLocalScratch(root: string, from: 'target' | 'empty', target = 'scratch'): Promise<LocalServerDb> {
  const server = await ensureLocalServer(root);
  const name = `agentdeck_scratch_${process.pid}_${++scratchCount}_${Date.now().toString(36)}`;
  await admin(server, async (db) => {
    await copyDatabase(db, name, from === 'target' ? TARGET_DATABASE : SCRATCH_TEMPLATE);
    // A scratch copy is thrown away: a crash losing its last commits changes nothing, so its
    // commits need not wait for the disk (a dry run commits once per migration and rollback).
    await db.exec(`alter database ${quote(name)} set synchronous_commit = off`);
  });
  return new LocalDatabase(root, name, target, (s) => admin(s, (db) => db.exec(`drop database if exists ${quote(name)} with (force)`).then(() => undefined)));
}
