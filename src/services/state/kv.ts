// Small named settings kept in the state db (maintenance mode, last health, schedules...).
import type { StateDb } from './db.js';
import { parseJson } from './db.js';

export function getKv<T>(state: StateDb, key: string, fallback: T): T {
  const row = state.stmt('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? parseJson(row.value, fallback) : fallback;
}

export function setKv(state: StateDb, key: string, value: unknown): void {
  state
    .stmt('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
    .run(key, JSON.stringify(value), new Date().toISOString());
}
