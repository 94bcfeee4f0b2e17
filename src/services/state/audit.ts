// The audit trail: append-only (triggers refuse UPDATE and DELETE) and hash-chained, so that
// `audit verify` finds the first row that was altered or removed behind SQLite's back.
import { createHash } from 'node:crypto';
import type { StateDb } from './db.js';
import { parseJson } from './db.js';

export interface AuditEntry {
  readonly initiator: string;
  readonly agent?: string;
  readonly action: string;
  readonly target?: string;
  readonly runId?: string;
  readonly approvalId?: string;
  readonly result: string;
  readonly data?: Record<string, unknown>;
}

export interface AuditRow extends AuditEntry {
  readonly seq: number;
  readonly ts: string;
  readonly prevHash: string;
  readonly hash: string;
}

const GENESIS = '0'.repeat(64);

interface Row {
  seq: number;
  ts: string;
  initiator: string;
  agent: string | null;
  action: string;
  target: string | null;
  run_id: string | null;
  approval_id: string | null;
  result: string;
  data_json: string | null;
  prev_hash: string;
  hash: string;
}

function hashOf(r: Omit<Row, 'hash'>): string {
  // A fixed field order; JSON gives unambiguous separators.
  const body = JSON.stringify([r.seq, r.ts, r.initiator, r.agent, r.action, r.target, r.run_id, r.approval_id, r.result, r.data_json, r.prev_hash]);
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Appends one entry. The redaction of secrets happens before this (callers pass what the bus
 * already redacted, or use `redact` from services/secrets).
 */
export function appendAudit(state: StateDb, entry: AuditEntry, redact: (s: string) => string = (s) => s): AuditRow {
  return state.tx(() => {
    const last = state.stmt('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const row: Omit<Row, 'hash'> = {
      seq: (last?.seq ?? 0) + 1,
      ts: new Date().toISOString(),
      initiator: entry.initiator,
      agent: entry.agent ?? null,
      action: redact(entry.action),
      target: entry.target ? redact(entry.target) : null,
      run_id: entry.runId ?? null,
      approval_id: entry.approvalId ?? null,
      result: redact(entry.result),
      data_json: entry.data ? redact(JSON.stringify(entry.data)) : null,
      prev_hash: last?.hash ?? GENESIS,
    };
    const hash = hashOf(row);
    state
      .stmt(
        `INSERT INTO audit (seq, ts, initiator, agent, action, target, run_id, approval_id, result, data_json, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.seq, row.ts, row.initiator, row.agent, row.action, row.target, row.run_id, row.approval_id, row.result, row.data_json, row.prev_hash, hash);
    return toEntry({ ...row, hash });
  });
}

function toEntry(r: Row): AuditRow {
  return {
    seq: r.seq,
    ts: r.ts,
    initiator: r.initiator,
    agent: r.agent ?? undefined,
    action: r.action,
    target: r.target ?? undefined,
    runId: r.run_id ?? undefined,
    approvalId: r.approval_id ?? undefined,
    result: r.result,
    data: parseJson(r.data_json, undefined),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function listAudit(state: StateDb, options: { limit?: number; runId?: string } = {}): AuditRow[] {
  const limit = options.limit ?? 100;
  const rows = options.runId
    ? state.db.prepare('SELECT * FROM audit WHERE run_id = ? ORDER BY seq DESC LIMIT ?').all(options.runId, limit)
    : state.db.prepare('SELECT * FROM audit ORDER BY seq DESC LIMIT ?').all(limit);
  return (rows as unknown as Row[]).map(toEntry);
}

export type AuditVerdict =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly count: number; readonly brokenAt: number; readonly reason: string };

/** Walks the chain in order and reports the first broken link. */
export function verifyAudit(state: StateDb): AuditVerdict {
  let prev = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  for (const raw of state.db.prepare('SELECT * FROM audit ORDER BY seq').iterate()) {
    const r = raw as unknown as Row;
    count++;
    if (r.seq !== expectedSeq) return { ok: false, count, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing (next is ${r.seq})` };
    if (r.prev_hash !== prev) return { ok: false, count, brokenAt: r.seq, reason: `entry ${r.seq} does not link to entry ${r.seq - 1}` };
    const { hash, ...rest } = r;
    if (hashOf(rest) !== hash) return { ok: false, count, brokenAt: r.seq, reason: `entry ${r.seq} was altered (its hash does not match its content)` };
    prev = hash;
    expectedSeq++;
  }
  return { ok: true, count };
}
