// The audit table's append-only guard: the table and its two triggers, as migration 1 created
// them. `audit verify` checks that they are all there, unchanged, and puts back what is missing.
import type { StateDb } from './db.js';
import { MIGRATIONS } from './schema.js';

interface Ddl {
  readonly type: 'table' | 'trigger';
  readonly name: string;
  readonly sql: string;
}

/** The audit table and triggers, read from migration 1 so their definition lives in one place. */
function auditDdl(): Ddl[] {
  const sql = MIGRATIONS[0]?.sql ?? '';
  const table = /CREATE TABLE audit \([\s\S]*?\n\);/.exec(sql)?.[0];
  const triggers = [...sql.matchAll(/CREATE TRIGGER (audit_\w+)[\s\S]*?END;/g)];
  if (!table || triggers.length === 0) throw new Error('the audit schema is missing from migration 1');
  return [{ type: 'table', name: 'audit', sql: table }, ...triggers.map((m) => ({ type: 'trigger' as const, name: m[1] as string, sql: m[0] }))];
}

const normal = (sql: string): string => sql.replace(/;\s*$/, '').replace(/\s+/g, ' ').trim();

/**
 * Restores the audit table (when dropped) and any trigger that is missing or was replaced by a
 * different one. Returns what it restored, in words; empty when everything was in place.
 */
export function restoreAuditGuard(state: StateDb): string[] {
  const restored: string[] = [];
  state.tx(() => {
    for (const d of auditDdl()) {
      const row = state.db.prepare('SELECT sql FROM sqlite_master WHERE type = ? AND name = ?').get(d.type, d.name) as { sql: string } | undefined;
      if (row && (d.type === 'table' || normal(row.sql) === normal(d.sql))) continue;
      if (row) state.db.exec(`DROP TRIGGER ${d.name}`);
      state.db.exec(d.sql);
      restored.push(`${d.type} ${d.name} (${row ? 'it had been replaced' : 'it was missing'})`);
    }
  });
  return restored;
}
