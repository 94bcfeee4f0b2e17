// The scratch Postgres for dry runs: a bootstrapped scratch database (see services/postgres/scratch.ts).
import { openScratchDb, type ScratchOptions } from '../../services/postgres/scratch.js';
import { BOOTSTRAP_SCHEMAS } from '../../services/postgres/supabase-bootstrap.js';
import type { Db } from '../../services/postgres/types.js';

/**
 * Left out of catalog comparisons: the extensions' own objects. The other bootstrap schemas stay
 * in, so a storage policy or a trigger on auth.users a rollback forgets is seen.
 */
export const SHIM_SCHEMAS = BOOTSTRAP_SCHEMAS.filter((s) => s === 'extensions');

export function openScratch(root: string, from: ScratchOptions['from'] = 'empty'): Promise<Db> {
  return openScratchDb({ root, from });
}
