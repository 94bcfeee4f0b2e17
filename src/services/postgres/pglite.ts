// PGlite in a worker thread. PGlite's queries block the thread they run on, so the dashboard's
// thread only posts messages; the worker is started on the first query (initdb costs seconds),
// and a lock file keeps a second process out of the same data dir.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { acquireDirLock, type DirLock } from './lock.js';
import { Serial } from './serial.js';
import { DbError, type DbExecutor, type PgliteDb, type QueryResult } from './types.js';

export interface OpenPgliteOptions {
  /** The data dir (created on first use); null or absent: an in-memory scratch database. */
  readonly dataDir?: string | null;
  /** A tarball from `dumpDataDir()` to start from (restore, or a prepared template). */
  readonly loadDataDir?: Uint8Array;
  /** The name used for locks and approvals; default `local` (or `scratch` in memory). */
  readonly target?: string;
  /** Start a new database from the cached freshly-initialised template (default true). */
  readonly template?: boolean;
}

interface WireError {
  message: string;
  code?: string;
  position?: number;
  detail?: string;
  hint?: string;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };
type Ready = { ready: true } | { ready: false; error: WireError };

function toDbError(e: WireError): DbError {
  return new DbError(e.message, e.code, e.position, e.detail, e.hint);
}

/**
 * The worker script. Looked for beside this module (source tree), then in `dist/` and
 * `src/services/postgres/` of each enclosing directory (this module bundled into dist/ or a cache).
 */
export function workerPath(from: string = import.meta.url): string {
  const name = 'pglite-worker.mjs';
  let dir = dirname(fileURLToPath(from));
  const beside = join(dir, name);
  if (existsSync(beside)) return beside;
  for (;;) {
    for (const candidate of [join(dir, 'dist', name), join(dir, 'src', 'services', 'postgres', name)]) {
      if (existsSync(candidate)) return candidate;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`the PGlite worker script (${name}) is missing from this installation`);
}

class PgliteWorkerDb implements PgliteDb {
  readonly kind = 'pglite' as const;
  readonly dataDir: string | null;
  readonly target: string;
  private readonly loadDataDir: Uint8Array | undefined;
  private readonly useTemplate: boolean;
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  private lock: DirLock | null = null;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly serial = new Serial();
  private isClosed = false;

  constructor(options: OpenPgliteOptions) {
    this.dataDir = options.dataDir ?? null;
    this.loadDataDir = options.loadDataDir;
    this.useTemplate = options.template !== false;
    this.target = options.target ?? (this.dataDir ? 'local' : 'scratch');
  }

  get closed(): boolean {
    return this.isClosed;
  }

  private start(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= this.spawn();
    // A failed start (lock held, bad data dir) is not remembered: the next call tries again.
    this.starting.catch(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async spawn(): Promise<Worker> {
    if (this.dataDir) this.lock = acquireDirLock(this.dataDir);
    let loadDataDir = this.loadDataDir;
    let fromTemplate = false;
    let wasm: Awaited<ReturnType<typeof wasmModules>>;
    let script: string;
    try {
      // A new database starts from a copy of a freshly initialised one: initdb costs seconds.
      if (!loadDataDir && this.useTemplate && !(this.dataDir && existsSync(join(this.dataDir, 'PG_VERSION')))) {
        loadDataDir = await freshTemplate();
        fromTemplate = true;
      }
      wasm = await wasmModules();
      script = workerPath();
    } catch (err) {
      this.lock?.release();
      this.lock = null;
      throw err;
    }
    return new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(script, { workerData: { dataDir: this.dataDir, loadDataDir, wasm } });
      let ready = false;
      worker.on('message', (msg: Reply | Ready) => {
        if ('ready' in msg) {
          if (msg.ready) {
            ready = true;
            this.worker = worker;
            this.refreshRef();
            resolve(worker);
          } else {
            // A damaged cached template would fail every start: drop it so the next one rebuilds it.
            if (fromTemplate) forgetTemplate();
            reject(toDbError(msg.error));
          }
          return;
        }
        const waiter = this.pending.get(msg.id);
        if (!waiter) return;
        this.pending.delete(msg.id);
        this.refreshRef();
        if (msg.ok) waiter.resolve(msg.result);
        else waiter.reject(toDbError(msg.error));
      });
      const onGone = (why: string): void => {
        const err = new Error(`the local database worker stopped: ${why}`);
        if (!ready) reject(err);
        for (const waiter of this.pending.values()) waiter.reject(err);
        this.pending.clear();
        this.worker = null;
        this.starting = null;
        this.lock?.release();
        this.lock = null;
      };
      worker.on('error', (err) => onGone(err.message));
      worker.on('exit', (code) => onGone(`exit code ${code}`));
    });
  }

  /** The worker keeps the process alive only while a request is in flight. */
  private refreshRef(): void {
    if (!this.worker) return;
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  private async call<T>(message: Record<string, unknown>): Promise<T> {
    if (this.isClosed) throw new Error('the database is closed');
    const worker = await this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.refreshRef();
      worker.postMessage({ id, ...message });
    });
  }

  private direct: DbExecutor = {
    query: <R>(sql: string, params: readonly unknown[] = []) =>
      this.call<QueryResult<R>>({ op: 'query', sql, params: [...params] }),
    exec: (sql: string) => this.call<QueryResult[]>({ op: 'exec', sql }),
  };

  query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return this.serial.run(() => this.direct.query<R>(sql, params));
  }

  exec(sql: string): Promise<QueryResult[]> {
    return this.serial.run(() => this.direct.exec(sql));
  }

  transaction<T>(fn: (tx: DbExecutor) => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      await this.direct.exec('BEGIN');
      let out: T;
      try {
        out = await fn(this.direct);
      } catch (err) {
        await this.direct.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
      await this.direct.exec('COMMIT');
      return out;
    });
  }

  dumpDataDir(compression: 'gzip' | 'none' = 'gzip'): Promise<Uint8Array> {
    return this.serial.run(() => this.call<Uint8Array>({ op: 'dump', compression }).then((r) => new Uint8Array(r)));
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    await this.serial.run(async () => {
      const worker = this.worker ?? (this.starting ? await this.starting.catch(() => null) : null);
      if (worker) {
        await this.call({ op: 'close' }).catch(() => undefined);
        this.isClosed = true;
        await worker.terminate();
      }
      this.isClosed = true;
      this.lock?.release();
      this.lock = null;
    });
  }
}

let template: Promise<Uint8Array> | null = null;
/** A compiled WebAssembly.Module (this project's lib settings carry no WebAssembly types). */
type WasmModule = object;
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;
let modules: Promise<{ pglite: WasmModule; initdb: WasmModule }> | null = null;

function pgliteDist(): string {
  return dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
}

/** PGlite's WASM, compiled once per process and handed to every worker (compiling costs more than starting). */
function wasmModules(): Promise<{ pglite: WasmModule; initdb: WasmModule }> {
  modules ??= (async () => {
    const [pglite, initdb] = await Promise.all(
      ['pglite.wasm', 'initdb.wasm'].map(async (f) => wasmApi.compile(await readFile(join(pgliteDist(), f)))),
    );
    return { pglite: pglite!, initdb: initdb! };
  })();
  return modules;
}

/** Where the template is cached between processes: per PGlite version, in the temp dir. */
export function templatePath(): string {
  const { version } = JSON.parse(readFileSync(join(pgliteDist(), '..', 'package.json'), 'utf8')) as { version: string };
  return join(tmpdir(), `agentdeck-pglite-template-${version}.tgz`);
}

/**
 * A tarball of a freshly initialised database (initdb output): made once per machine and PGlite
 * version, cached in memory and in the temp dir, so later databases load it instead of running initdb.
 */
export function freshTemplate(): Promise<Uint8Array> {
  template ??= (async () => {
    const path = templatePath();
    if (existsSync(path)) return new Uint8Array(readFileSync(path));
    const db = new PgliteWorkerDb({ template: false });
    try {
      const tarball = await db.dumpDataDir('gzip');
      const partial = `${path}.${process.pid}.tmp`;
      writeFileSync(partial, tarball);
      renameSync(partial, path);
      return tarball;
    } finally {
      await db.close();
    }
  })();
  template.catch(() => {
    template = null;
  });
  return template;
}

function forgetTemplate(): void {
  template = null;
  rmSync(templatePath(), { force: true });
}

/** A PGlite database in a worker thread. Nothing starts until the first query. */
export function openPglite(options: OpenPgliteOptions = {}): PgliteDb {
  return new PgliteWorkerDb(options);
}
