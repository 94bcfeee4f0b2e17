// The console's own durable state: node:sqlite in WAL mode at `<root>/.agentdeck/state.db`.
// Several processes may open the same file (the dashboard, `run`, `mcp`): WAL plus a busy
// timeout lets them take turns, and every multi-row change runs in one IMMEDIATE transaction.
//
// No secret at rest, by construction: the connection handed out here redacts every text parameter
// of every statement that writes (and the text of `exec`), whichever repo or table it is for.
// Configured secrets become named placeholders (`[secret:RESEND_API_KEY]`), token shapes
// `[redacted]`. Writers that hash what they store (the audit) pass `redact` first, so the stored
// text is what they hashed (redaction is idempotent).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { collectNamedSecrets } from '../config/secrets.js';
import { loadEnv } from '../config/env.js';
import { createRedactor, secretNamesIn, type NamedSecret, type Redactor } from '../secrets/redact.js';
import { MIGRATIONS } from './schema.js';

export interface StateDb {
  /** The guarded connection: text written through it is redacted (see above). */
  readonly db: DatabaseSync;
  readonly path: string;
  /** The redaction applied to everything written; idempotent. */
  readonly redact: Redactor;
  /** Names of the configured secrets whose values occur in `text` (their placeholders once stored). */
  secretNamesIn(text: string): string[];
  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE, so writers queue instead of failing). */
  tx<T>(fn: () => T): T;
  /**
   * A prepared statement for fixed SQL, prepared once per connection (node:sqlite does not cache
   * them, and the per-step and per-event paths run the same few statements again and again).
   */
  stmt(sql: string): StatementSync;
  /**
   * Inside `tx`: runs `fn` if the outermost transaction rolls back (for side effects outside the
   * db that were made in step with it, such as the audit checkpoint). Outside a transaction: no-op.
   */
  onRollback(fn: () => void): void;
  close(): void;
}

export const STATE_DIR = '.agentdeck';

export function stateDir(root: string): string {
  return join(root, STATE_DIR);
}

/**
 * Creates `<root>/.agentdeck` when needed, ignoring itself from its first write (`*` in its own
 * `.gitignore`), so `git add -A` in the project never commits the state db, history or outbox.
 */
export function ensureStateDir(root: string): string {
  const dir = stateDir(root);
  mkdirSync(dir, { recursive: true });
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) {
    try {
      writeFileSync(ignore, '# agentdeck state: never committed\n*\n', { flag: 'wx' });
    } catch (error) {
      // Another process wrote it first.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return dir;
}

export interface OpenOptions {
  /** Another file than `<root>/.agentdeck/state.db`. */
  readonly path?: string;
  /** The secrets to keep out of the db (default: those of the project's environment and `.env`). */
  readonly secrets?: readonly NamedSecret[];
}

/** Opens (creating when needed) the state db of the project at `root` and migrates it. */
export function openState(root: string, options: OpenOptions = {}): StateDb {
  const dir = ensureStateDir(root);
  const path = options.path ?? join(dir, 'state.db');
  return openStateAt(path, { secrets: options.secrets ?? collectNamedSecrets(loadEnv(root).all) });
}

export function openStateAt(path: string, options: { secrets?: readonly NamedSecret[] } = {}): StateDb {
  // Without a project: the secrets of this process's environment.
  const secrets = options.secrets ?? collectNamedSecrets(Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)));
  const redact = createRedactor(secrets);
  const raw = new DatabaseSync(path, { timeout: 10_000 });
  raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = NORMAL');
  raw.exec('PRAGMA foreign_keys = ON');
  let depth = 0;
  let undo: (() => void)[] = [];
  const tx = <T>(fn: () => T): T => {
    // Nested calls join the outer transaction.
    if (depth > 0) return fn();
    raw.exec('BEGIN IMMEDIATE');
    depth++;
    try {
      const out = fn();
      raw.exec('COMMIT');
      return out;
    } catch (error) {
      if (raw.isTransaction) raw.exec('ROLLBACK');
      for (const f of undo.reverse()) f();
      throw error;
    } finally {
      depth--;
      undo = [];
    }
  };
  // For migrations that scrub rows written before this redaction existed.
  raw.function('agentdeck_redact', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? redact(text) : text as null));
  raw.function('agentdeck_secret_names', { deterministic: true }, (text: unknown) => {
    const names = typeof text === 'string' ? secretNamesIn(text, secrets) : [];
    return names.length ? JSON.stringify(names) : null;
  });
  migrate(raw, tx);
  const db = guard(raw, redact);
  const statements = new Map<string, StatementSync>();
  return {
    db,
    path,
    redact,
    secretNamesIn: (text) => secretNamesIn(text, secrets),
    tx,
    stmt(sql) {
      let st = statements.get(sql);
      if (!st) {
        st = db.prepare(sql);
        statements.set(sql, st);
      }
      return st;
    },
    onRollback(fn) {
      if (depth > 0) undo.push(fn);
    },
    close: () => {
      if (raw.isOpen) raw.close();
    },
  };
}

/** Statements that only read need no redaction (and keep their speed). */
const READ_ONLY = /^\s*(SELECT|PRAGMA|EXPLAIN)\b/i;
const EXECUTE = new Set<PropertyKey>(['run', 'get', 'all', 'iterate']);

/** The connection with redaction in front of every write; everything else passes through. */
function guard(db: DatabaseSync, redact: Redactor): DatabaseSync {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => guardStatement(target.prepare(sql), sql, redact);
      if (prop === 'exec') return (sql: string) => target.exec(redact(sql));
      return bindOnce(target, prop, bound);
    },
  });
}

function guardStatement(st: StatementSync, sql: string, redact: Redactor): StatementSync {
  if (READ_ONLY.test(sql)) return st;
  const bound = new Map<PropertyKey, unknown>();
  const execute = new Map<PropertyKey, unknown>();
  return new Proxy(st, {
    get(target, prop) {
      if (!EXECUTE.has(prop)) return bindOnce(target, prop, bound);
      let fn = execute.get(prop);
      if (!fn) {
        const method = (target[prop as 'run'] as (...a: unknown[]) => unknown).bind(target);
        fn = (...params: unknown[]) => method(...params.map((p) => redactParam(p, redact)));
        execute.set(prop, fn);
      }
      return fn;
    },
  });
}

function redactParam(p: unknown, redact: Redactor): unknown {
  if (typeof p === 'string') return redact(p);
  // Named parameters: { $name: value }.
  if (p !== null && typeof p === 'object' && !ArrayBuffer.isView(p)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p)) out[k] = typeof v === 'string' ? redact(v) : v;
    return out;
  }
  return p;
}

/** Native methods must run with the real object as `this`, not the proxy. */
function bindOnce(target: object, prop: PropertyKey, cache: Map<PropertyKey, unknown>): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  if (typeof value !== 'function') return value;
  let fn = cache.get(prop);
  if (!fn) {
    fn = (value as (...a: unknown[]) => unknown).bind(target);
    cache.set(prop, fn);
  }
  return fn;
}

const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

function migrate(db: DatabaseSync, tx: <T>(fn: () => T) => T): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  // Up to date (the usual case): no write lock, so opening never waits behind another writer.
  const { v } = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  if ((v ?? 0) >= LATEST) return;
  tx(() => {
    const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
    const current = row.v ?? 0;
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(m.version, new Date().toISOString());
    }
  });
}

/** Reads a JSON column, tolerating NULL. */
export function parseJson<T>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
