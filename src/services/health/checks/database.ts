// SUPABASE_DB_URL / DATABASE_URL: a real connection and `select 1`.
import { failing, notConfigured, ok, type HealthCheck } from '../types.js';

export const databaseCheck: HealthCheck = {
  id: 'database',
  label: 'Database',
  async run({ target, signal }) {
    const name = target.env.SUPABASE_DB_URL ? 'SUPABASE_DB_URL' : target.env.DATABASE_URL ? 'DATABASE_URL' : null;
    // Without a URL agentdeck works on its local database: say so, not just "not configured".
    if (!name) return notConfigured("the local database under .agentdeck/ is in use: set SUPABASE_DB_URL (or DATABASE_URL) to work on the project's own database");
    const url = target.env[name] as string;
    if (!/^postgres(ql)?:\/\//i.test(url)) return failing(`${name} must be a postgres:// or postgresql:// connection string`);
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: 10_000 });
    // pg reports late socket errors as 'error' events; without a listener they would crash the process.
    client.on('error', () => {});
    const stop = (): void => void client.end().catch(() => {});
    signal.addEventListener('abort', stop, { once: true });
    try {
      await client.connect();
      const res = await client.query<{ one: number; version: string }>('select 1 as one, current_setting(\'server_version\') as version');
      return ok(`connected with ${name} (PostgreSQL ${res.rows[0]?.version ?? 'unknown'})`);
    } catch (err) {
      if (signal.aborted) throw err;
      const e = err as { code?: string; message?: string };
      return failing(`cannot connect with ${name}: ${e.message ?? e.code ?? 'error'}`);
    } finally {
      signal.removeEventListener('abort', stop);
      await client.end().catch(() => {});
    }
  },
};
