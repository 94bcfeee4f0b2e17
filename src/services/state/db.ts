// The console's own durable state: node:sqlite in WAL mode at `<root>/.agentdeck/state.db`.
// Several processes may open the same file (the dashboard, `run`, `mcp`): WAL plus a busy
// timeout lets them take turns, and every multi-row change runs in one IMMEDIATE transaction.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { MIGRATIONS } from './schema.js';

export interface StateDb {
  readonly db: DatabaseSync;
  readonly path: string;
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

/** Opens (creating when needed) the state db of the project at `root` and migrates it. */
export function openState(root: string, options: { path?: string } = {}): StateDb {
  const dir = stateDir(root);
  mkdirSync(dir, { recursive: true });
  const path = options.path ?? join(dir, 'state.db');
  return openStateAt(path);
}

export function openStateAt(path: string): StateDb {
  const db = new DatabaseSync(path, { timeout: 10_000 });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  let depth = 0;
  let undo: (() => void)[] = [];
  const tx = <T>(fn: () => T): T => {
    // Nested calls join the outer transaction.
    if (depth > 0) return fn();
    db.exec('BEGIN IMMEDIATE');
    depth++;
    try {
      const out = fn();
      db.exec('COMMIT');
      return out;
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      for (const f of undo.reverse()) f();
      throw error;
    } finally {
      depth--;
      undo = [];
    }
  };
  migrate(db, tx);
  const statements = new Map<string, StatementSync>();
  return {
    db,
    path,
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
      if (db.isOpen) db.close();
    },
  };
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
