// The local PGlite in its worker thread: queries, transactions, dumps, the main thread staying
// responsive during a long query, and the data dir's lock file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { LOCK_FILE, pidAlive } from '../../../src/services/postgres/lock.js';
import { workerPath } from '../../../src/services/postgres/pglite.js';
import {
  DbError,
  DbLockedError,
  isPglite,
  localDataDir,
  openPglite,
  openTarget,
  resolveTarget,
  restoreDataDir,
  type PgliteDb,
} from '../../../src/services/postgres/index.js';
import { tempDir } from '../../helpers/tmp.js';

const tmp = tempDir('agentdeck-pglite-');
const root = tmp.dir;
let db: PgliteDb;

beforeAll(async () => {
  // PGlite is the stated fallback where no server binary exists; this file forces it.
  process.env.AGENTDECK_LOCAL_ENGINE = 'pglite';
  const opened = openTarget({ root, env: {} });
  if (!isPglite(opened)) throw new Error('expected the local PGlite target');
  db = opened;
  await db.exec('create table items (id int primary key, name text not null)');
});

afterAll(async () => {
  await db?.close();
  delete process.env.AGENTDECK_LOCAL_ENGINE;
  tmp.cleanup();
});

describe('PGlite in a worker', () => {
  it('is the fallback target, in <root>/.agentdeck/pglite, and holds a lock naming this pid', async () => {
    expect(resolveTarget({ root, env: {} })).toEqual({ kind: 'pglite', target: 'local', dataDir: localDataDir(root) });
    expect(db.target).toBe('local');
    expect(db.dataDir).toBe(join(root, '.agentdeck', 'pglite'));
    await db.query('select 1');
    const lock = JSON.parse(readFileSync(join(db.dataDir!, LOCK_FILE), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
  });

  it('runs parameterised queries and multi-statement scripts', async () => {
    const inserted = await db.query('insert into items values ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
    expect(inserted.rowCount).toBe(2);
    expect(inserted.command).toBe('INSERT');
    const results = await db.exec("update items set name = 'c' where id = 2; select count(*)::int as n from items");
    expect(results.map((r) => [r.command, r.rowCount])).toEqual([
      ['UPDATE', 1],
      ['SELECT', 1],
    ]);
    expect(results[1]!.rows).toEqual([{ n: 2 }]);
  });

  it('commits a transaction, and rolls one back when the function throws', async () => {
    await db.transaction(async (tx) => {
      await tx.query('insert into items values (3, $1)', ['c']);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('insert into items values (4, $1)', ['d']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const { rows } = await db.query<{ id: number }>('select id from items order by id');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('reports Postgres errors with code and position', async () => {
    const err = await db.query('select nope from items').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect((err as DbError).code).toBe('42703');
    expect((err as DbError).position).toBe(8);
  });

  it('shares one worker per data dir within a process', async () => {
    const second = openTarget({ root, env: {} });
    const { rows } = await second.query<{ n: number }>('select count(*)::int as n from items');
    expect(rows[0]!.n).toBe(3);
    await second.close();
    expect(second.closed).toBe(true);
    expect(db.closed).toBe(false);
    await expect(db.query('select 1')).resolves.toBeDefined();
  });

  it('keeps the main thread responsive while a 2-second query runs in the worker', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    const started = Date.now();
    let ticksAtEnd = 0;
    await db.query('select pg_sleep(2)').then(() => (ticksAtEnd = ticks));
    clearInterval(timer);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    // The timer fired all through the query: about 40 ticks; a blocked loop would give 0 or 1.
    expect(ticksAtEnd).toBeGreaterThan(20);
  });

  it('dumps its data dir and restores it into a new one, keeping the old dir aside', async () => {
    const tarball = await db.dumpDataDir();
    expect(tarball.byteLength).toBeGreaterThan(1000);
    const target = join(root, 'restored');
    const first = await restoreDataDir(target, tarball);
    expect(first.previous).toBeNull();
    const again = await restoreDataDir(target, tarball);
    expect(again.previous).toMatch(/restored\.before-restore-/);
    expect(existsSync(again.previous!)).toBe(true);
    const restored = openPglite({ dataDir: target });
    const { rows } = await restored.query<{ n: number }>('select count(*)::int as n from items');
    expect(rows[0]!.n).toBe(3);
    await restored.close();
  });

  it('refuses to restore over a data dir that is open', async () => {
    await expect(restoreDataDir(localDataDir(root), new Uint8Array(10))).rejects.toThrow(/is open; close it/);
  });
});

describe('the worker script', () => {
  it('is found beside the module, or in dist/ above a bundle, or reported missing', async () => {
    expect(workerPath()).toMatch(/src\/services\/postgres\/pglite-worker\.mjs$/);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'pkg', 'dist', 'chunks'), { recursive: true });
    writeFileSync(join(root, 'pkg', 'dist', 'pglite-worker.mjs'), '');
    expect(workerPath(pathToFileURL(join(root, 'pkg', 'dist', 'chunks', 'cli-1.js')).href)).toBe(join(root, 'pkg', 'dist', 'pglite-worker.mjs'));
    expect(() => workerPath(pathToFileURL(join(root, 'nowhere', 'x.js')).href)).toThrow('the PGlite worker script (pglite-worker.mjs) is missing from this installation');
  });
});

describe('the data dir lock', () => {
  let holder: ChildProcess | null = null;

  afterAll(() => {
    holder?.kill('SIGKILL');
  });

  it('stops a second process with a message naming the holder, and takes over a stale lock', async () => {
    const dataDir = join(root, 'locked');
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const pid = holder.pid!;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid, command: 'agentdeck run', since: '2026-01-01T00:00:00Z' }));

    const blocked = openPglite({ dataDir });
    const err = await blocked.query('select 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbLockedError);
    expect((err as Error).message).toContain(`in use by process ${pid} (agentdeck run)`);

    const exited = new Promise((resolve) => holder!.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    expect(pidAlive(pid)).toBe(false);
    // The same handle retries the start: the dead holder's lock is stale and taken over.
    await expect(blocked.query('select 41 + 1 as n')).resolves.toMatchObject({ rows: [{ n: 42 }] });
    const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    await blocked.close();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);

    // A lock file that is not ours to read (torn write, another tool) counts as stale too.
    writeFileSync(join(dataDir, LOCK_FILE), 'not json');
    const reopened = openPglite({ dataDir });
    await expect(reopened.query('select count(*)::int as n from pg_class')).resolves.toBeDefined();
    await reopened.close();
  });

  it('refuses a second worker on a data dir this process already holds', async () => {
    const other = openPglite({ dataDir: localDataDir(root) });
    await expect(other.query('select 1')).rejects.toThrow(/already open in this process/);
    await other.close();
  });
});
