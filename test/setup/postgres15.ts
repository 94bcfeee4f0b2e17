// A throwaway PostgreSQL 15 server for the test run: Debian's binaries from
// /usr/lib/postgresql/15/bin, initdb into a temp dir, started on a free loopback port.
// Postgres refuses to run as root, so under root the server runs as the `postgres` user.
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG15_BIN = '/usr/lib/postgresql/15/bin';

export interface Postgres15 {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const parts = line?.split(':');
  if (!parts?.[2] || !parts[3]) throw new Error('running as root and there is no `postgres` user to run PostgreSQL 15 as');
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}

function run(cmd: string, args: readonly string[], user: { uid: number; gid: number } | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(PG15_BIN, cmd), args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
      ...(user ?? {}),
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${output.slice(-2000)}`));
    });
  });
}

/** initdb + pg_ctl start; the returned stop() shuts it down and removes the dir. */
export async function startPostgres15(): Promise<Postgres15> {
  for (const bin of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(PG15_BIN, bin))) {
      throw new Error(`PostgreSQL 15 is not installed (${join(PG15_BIN, bin)} is missing): apt-get install postgresql-15`);
    }
  }
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'agentdeck-pg15-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], user);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_preload_libraries=pg_stat_statements`;
  await run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'], user);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async stop() {
      await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], user).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server's URL for a test, or a clear failure when the test setup could not start it. */
export function pg15Url(): string {
  const url = process.env.AGENTDECK_TEST_PG_URL;
  if (url) return url;
  const why = process.env.AGENTDECK_TEST_PG_ERROR;
  throw new Error(`PostgreSQL 15 is not available for this test${why ? `: ${why}` : ' (AGENTDECK_TEST_PG_URL is unset)'}`);
}
