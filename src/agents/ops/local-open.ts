// Opens the local database for Ops through the shared Postgres service: a server when
// SUPABASE_DB_URL / DATABASE_URL is set, otherwise the project's local PostgreSQL server (or,
// where no binary exists for the platform, its PGlite in a worker thread).
import { readFile, rm } from 'node:fs/promises';
import { isPglite, openConfigured, resolveTarget, restoreDataDir, type Db, type LocalServerDb } from '../../services/postgres/index.js';
import { CommandError } from '../types.js';
import type { LocalDb } from './local-db.js';

type Env = Readonly<Record<string, string | undefined>>;

export async function openLocalDb(root: string, env: Env): Promise<LocalDb> {
  const config = resolveTarget({ root, env: env as NodeJS.ProcessEnv });
  let db: Db = openConfigured(config);
  const common = {
    label: config.kind === 'pglite' ? 'the local PGlite database' : config.kind === 'local' ? 'the local PostgreSQL server' : config.target,
    query: async (sql: string) => (await db.query(sql)).rows,
    exec: async (sql: string) => {
      await db.exec(sql);
    },
    serverVersion: async () => String((await db.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? ''),
    close: () => db.close(),
  };
  if (config.kind === 'pg') {
    // Connects lazily: probe now so an unreachable server is one clear line naming it.
    try {
      await db.query('select 1');
    } catch (error) {
      await db.close().catch(() => undefined);
      throw new CommandError('db_unreachable', `cannot connect to the database at ${config.target} (${(error as Error).message.split('\n')[0]}); check ${config.source}`, true);
    }
    return { ...common, engine: 'postgres', url: config.connectionString };
  }
  if (config.kind === 'local') {
    // The local server: backups are pg_dump / pg_restore through its URL, like any server's.
    let url: string;
    try {
      url = await (db as LocalServerDb).connectionString();
    } catch (error) {
      await db.close().catch(() => undefined);
      throw new CommandError('db_unreachable', `the local PostgreSQL server did not start (${(error as Error).message.split('\n')[0]})`, true);
    }
    return { ...common, engine: 'postgres', url };
  }
  const dataDir = config.dataDir;
  return {
    ...common,
    engine: 'pglite',
    dataDir,
    dumpDataDir: () => {
      if (!isPglite(db)) throw new Error('not a PGlite database');
      return db.dumpDataDir();
    },
    loadDataDir: async (archiveFile: string) => {
      const tarball = new Uint8Array(await readFile(archiveFile));
      await db.close();
      try {
        const { previous } = await restoreDataDir(dataDir, tarball);
        // The restore command took a checksummed safety backup first, so the old directory the
        // service keeps beside the new one is not needed.
        if (previous) await rm(previous, { recursive: true, force: true });
      } catch (error) {
        throw new CommandError('restore_failed', `restoring the local database failed (${(error as Error).message.split('\n')[0]}); its previous data is unchanged`);
      } finally {
        db = openConfigured(config);
      }
    },
  };
}

/** Opens the local database for `fn` and closes it after, also when `fn` fails. */
export async function withLocalDb<T>(root: string, env: Env, fn: (db: LocalDb) => Promise<T>): Promise<T> {
  const db = await openLocalDb(root, env);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
