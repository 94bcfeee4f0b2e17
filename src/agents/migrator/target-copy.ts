// What a dry run runs on, so its verdict predicts the execute: a copy of the target's actual state
// (its applied history and schema). On the local server that is CREATE DATABASE ... TEMPLATE of
// the target; for a remote target, a schema-only pg_dump restored into a local scratch database
// with the history rows copied. Where no copy can be made (the PGlite fallback, or pg_dump missing
// or older than the server), the existing migrations are replayed on a fresh scratch database and
// the report says why.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localServerAvailable, openLocalScratch, resolveTarget, type LocalServerDb } from '../../services/postgres/index.js';
import { openScratchDb } from '../../services/postgres/scratch.js';
import type { Db } from '../../services/postgres/types.js';
import { PLATFORM_SCHEMAS, pgDump, pgRestore } from '../ops/pg-backup.js';
import { ensureHistory, readHistory, recordApplied } from './history.js';

export interface TargetCopy {
  readonly scratch: Db;
  /** How the copy was made, for the report (`the local database`, `host:port/db`). */
  readonly copyOf: string;
}

function isLocalServer(db: Db): db is LocalServerDb {
  return db.kind === 'pg' && 'connectionString' in db && db.target === 'local';
}

type Env = Readonly<Record<string, string | undefined>>;

/** A copy of `db`'s state on a scratch database, or the reason none could be made. */
export async function copyTarget(root: string, db: Db, env: Env = process.env): Promise<TargetCopy | { readonly reason: string }> {
  if (isLocalServer(db)) return { scratch: await openLocalScratch(root, 'target'), copyOf: 'the local database' };
  const config = resolveTarget({ root, env: env as NodeJS.ProcessEnv });
  if (config.kind !== 'pg') return { reason: 'the local PGlite database cannot be copied' };
  if (!localServerAvailable()) return { reason: `no local PostgreSQL server on ${process.platform}-${process.arch} to copy ${db.target} into` };
  const scratch = (await openScratchDb({ root, from: 'empty' })) as LocalServerDb;
  const dir = await mkdtemp(join(tmpdir(), 'agentdeck-dryrun-'));
  try {
    const file = join(dir, 'schema.dump');
    await pgDump(config.connectionString, file, { env, schemaOnly: true, excludeSchemas: PLATFORM_SCHEMAS });
    await pgRestore(await scratch.connectionString(), file, { env });
    await ensureHistory(scratch);
    for (const h of await readHistory(db)) await recordApplied(scratch, h.version, h.name ?? '', []);
    return { scratch, copyOf: db.target };
  } catch (error) {
    await scratch.close();
    return { reason: (error as Error).message.split('\n')[0] ?? String(error) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
