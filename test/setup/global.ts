// Global test setup. Shared servers (PostgreSQL 15 on a loopback port) are started here and
// their addresses passed to tests through environment variables.
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startPostgres15, type Postgres15 } from './postgres15.js';

let pg15: Postgres15 | null = null;

export default async function setup(): Promise<() => Promise<void>> {
  // The user's config directory (the audit keys and checkpoints live there): a temp one, so tests
  // never write into the real one. Test processes inherit it.
  const config = mkdtempSync(join(tmpdir(), 'agentdeck-config-'));
  process.env.XDG_CONFIG_HOME = config;
  // Local PostgreSQL servers of test projects stop soon after their last test process is gone,
  // and (as root) keep their data under a temp home removed at the end, not /var/lib/agentdeck.
  process.env.AGENTDECK_PG_IDLE_MS ??= '3000';
  const pgHome = mkdtempSync(join(tmpdir(), 'agentdeck-pghome-'));
  chmodSync(pgHome, 0o755);
  process.env.AGENTDECK_PG_HOME ??= pgHome;
  // Staged worktrees go under the user's data directory by default: the tests' go to a temp one.
  const data = mkdtempSync(join(tmpdir(), 'agentdeck-data-'));
  process.env.XDG_DATA_HOME = data;
  // The user's own Node on PATH (projects' tests run with it, never with agentdeck's pinned one):
  // a Node new enough to run TypeScript tests by type stripping, as the fixture apps expect.
  const userBin = mkdtempSync(join(tmpdir(), 'agentdeck-userbin-'));
  symlinkSync(process.execPath, join(userBin, 'node'));
  process.env.PATH = `${userBin}${delimiter}${process.env.PATH ?? ''}`;
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
    rmSync(config, { recursive: true, force: true });
    rmSync(pgHome, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
    rmSync(userBin, { recursive: true, force: true });
  };
}
