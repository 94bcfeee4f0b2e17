// Global test setup. Shared servers (PostgreSQL 15 on a loopback port) are started here and
// their addresses passed to tests through environment variables.
import { startPostgres15, type Postgres15 } from './postgres15.js';

let pg15: Postgres15 | null = null;

export default async function setup(): Promise<() => Promise<void>> {
  // PostgreSQL 15 for the tests that run against a real server (AGENTDECK_TEST_PG_URL). When it
  // cannot start, those tests fail with this reason (see pg15Url); the others still run.
  try {
    pg15 = await startPostgres15();
    process.env.AGENTDECK_TEST_PG_URL = pg15.url;
  } catch (err) {
    process.env.AGENTDECK_TEST_PG_ERROR = err instanceof Error ? err.message : String(err);
  }
  return async () => {
    await pg15?.stop();
  };
}
