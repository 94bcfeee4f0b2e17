// Scratch databases with the Supabase bootstrap, for dry runs and scan shadows: on the local
// PostgreSQL server a CREATE DATABASE ... TEMPLATE copy (of the target, or of the empty
// bootstrapped template); where the platform has no server binaries, an in-memory PGlite.
import { openLocalScratch } from './local-db.js';
import { localServerAvailable } from './local-server.js';
import { openPglite } from './pglite.js';
import { applyBootstrap } from './supabase-bootstrap.js';
import type { Db } from './types.js';

export interface ScratchOptions {
  /** The project whose local server hosts the scratch database. */
  readonly root: string;
  /** `target`: a copy of the local target (what an execute will meet); `empty` (default): bootstrap only. */
  readonly from?: 'target' | 'empty';
  /** The name for messages and approvals: `scratch` (default) or `shadow`. */
  readonly target?: string;
}

/** A bootstrapped scratch database, dropped (or discarded) when closed. */
export async function openScratchDb(options: ScratchOptions): Promise<Db> {
  const target = options.target ?? 'scratch';
  if (localServerAvailable()) return openLocalScratch(options.root, options.from ?? 'empty', target);
  const db = openPglite({ target });
  try {
    await applyBootstrap(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
