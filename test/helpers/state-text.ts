// Every column of every table of a state db, whatever its declared type (PRAGMA table_info): what
// the secret sweeps search, so a table or column added later is searched without being named.
import type { DatabaseSync } from 'node:sqlite';

export function everyColumn(db: DatabaseSync): Record<string, string> {
  const out: Record<string, string> = {};
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  for (const { name } of tables) {
    for (const col of db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]) {
      const values = db.prepare(`SELECT "${col.name}" AS v FROM "${name}"`).all() as { v: unknown }[];
      out[`${name}.${col.name}`] = values.map((r) => String(r.v)).join('\n');
    }
  }
  return out;
}
