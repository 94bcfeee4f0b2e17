// Read-only access to the target database for the scan: the project's target (`openTarget`)
// when it is a server or a local database with tables; otherwise a shadow database (PGlite)
// built from the repository's `supabase/migrations`, which shows the schema they define.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openTarget, resolveTarget } from '../../services/postgres/index.js';
import { openScratch } from '../migrator/scratch.js';
import { MIGRATIONS_DIR } from '../migrator/files.js';
import type { Query } from './db-checks.js';

export interface TargetAccess {
  readonly label: string;
  readonly query: Query;
  close(): Promise<void>;
}

/**
 * The configured target: a server (SUPABASE_DB_URL / DATABASE_URL), or the local PGlite when it
 * exists and has tables. An empty or missing local database says nothing: null.
 */
async function configuredTarget(root: string): Promise<TargetAccess | null> {
  const config = resolveTarget(root);
  if (config.kind === 'pglite' && !existsSync(config.dataDir)) return null;
  const db = openTarget(root);
  try {
    if (config.kind === 'pglite') {
      const { rows } = await db.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname = 'public'");
      if ((rows[0]?.n ?? 0) === 0) {
        await db.close();
        return null;
      }
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    label: config.kind === 'pg' ? `target database ${db.target}` : 'local database',
    query: async (sql) => (await db.query<Record<string, unknown>>(sql)).rows,
    close: () => db.close(),
  };
}

async function shadowTarget(root: string): Promise<TargetAccess | null> {
  const dir = join(root, MIGRATIONS_DIR);
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql') && !f.endsWith('.down.sql')).sort();
  if (files.length === 0) return null;
  // A scratch database shaped like a Supabase one (the API roles, auth.uid()...), so migrations
  // that grant to authenticated or use auth.uid() in policies apply as they do on the platform.
  const db = await openScratch();
  for (const f of files) {
    try {
      await db.exec(readFileSync(join(dir, f), 'utf8'));
    } catch (error) {
      await db.close();
      throw new Error(`${MIGRATIONS_DIR}/${f} does not apply to a fresh database: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return {
    label: `shadow database from ${MIGRATIONS_DIR} (${files.length} migration(s))`,
    query: async (sql) => (await db.query<Record<string, unknown>>(sql)).rows,
    close: () => db.close(),
  };
}

export async function openScanTarget(root: string): Promise<TargetAccess | null> {
  return (await configuredTarget(root)) ?? shadowTarget(root);
}
