// Debian's PostgreSQL 15 for the Ops tests and bench: the shared server of the global test setup
// (AGENTDECK_TEST_PG_URL), or one started here (the bench runs outside the test runner), with a
// fresh database per use.
import pg from 'pg';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PG15_BIN, startPostgres15 } from '../../setup/postgres15.js';

export { PG15_BIN };

export interface Pg15 {
  readonly url: string;
  /** A fresh database on the server, dropped by stop(). */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export function pg15Available(): boolean {
  return existsSync(join(PG15_BIN, 'postgres'));
}

export async function startPg15(): Promise<Pg15> {
  const shared = process.env.AGENTDECK_TEST_PG_URL;
  const own = shared ? null : await startPostgres15();
  const adminUrl = shared ?? own!.url;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const databases: string[] = [];
  return {
    url: adminUrl,
    async createDatabase(name) {
      // Test files run in parallel against the shared server: make the name unique.
      const db = `${name}_${process.pid}_${databases.length}`;
      await admin.query(`create database ${db}`);
      databases.push(db);
      const u = new URL(adminUrl);
      u.pathname = `/${db}`;
      return u.toString();
    },
    async stop() {
      for (const d of databases) await admin.query(`drop database if exists ${d} with (force)`).catch(() => undefined);
      await admin.end();
      await own?.stop();
    },
  };
}
