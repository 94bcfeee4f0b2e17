// The audit trail: append-only (triggers refuse UPDATE and DELETE) and chained: each entry's MAC
// covers its content and the previous entry's MAC, so `audit verify` finds the first row that was
// altered, removed or forged behind SQLite's back.
//
// The MAC is an HMAC-SHA256 under a per-project key kept outside the project (audit-key.ts), so a
// history rewritten and re-chained by someone who can write the db but not read the key fails.
// After each append the head (last seq and MAC) is checkpointed next to the key, so truncation,
// deleting the last rows, wiping the table or dropping and recreating it are caught too.
//
// Upgrade path: trails written before the key existed are a plain sha256 chain. Those entries
// stay as they are and still verify as sha256; the key is created at the first append after the
// upgrade and the keyed chain starts at that entry (its seq is kept in the checkpoint as
// `keyedFrom`, and it links to the last sha256 entry, which the keyed MAC then vouches for).
// After that, a plain sha256 entry is refused wherever it appears.
//
// When an append finds the trail and its checkpoint disagree (rows removed, the checkpoint
// replaced or deleted, the key gone), it first appends an entry recording the disagreement, so
// the evidence survives later appends and `audit verify` keeps reporting it.
import { createHash, type KeyObject } from 'node:crypto';
import { rmSync } from 'node:fs';
import { auditFiles, createKey, mac, readCheckpoint, readKey, releaseCheckpoints, removeCheckpoint, writeCheckpoint, type AuditFiles, type Checkpoint, type CheckpointRead } from './audit-key.js';
import { restoreAuditGuard } from './audit-guard.js';
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
/** The action of the entry an append writes when the trail and its checkpoint disagree. */
export const MISMATCH_ACTION = 'audit checkpoint mismatch';

/** An audit row as stored. */
export interface AuditDbRow {
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

interface Head {
  readonly seq: number;
  readonly hash: string;
}

function bodyOf(r: Omit<AuditDbRow, 'hash'>): string {
  // A fixed field order; JSON gives unambiguous separators.
  return JSON.stringify([r.seq, r.ts, r.initiator, r.agent, r.action, r.target, r.run_id, r.approval_id, r.result, r.data_json, r.prev_hash]);
}

/** The chain of versions before the key: a plain sha256 (anyone can recompute it). */
function plainHashOf(r: Omit<AuditDbRow, 'hash'>): string {
  return createHash('sha256').update(bodyOf(r)).digest('hex');
}

// Per project (by checkpoint path), what this process holds: the key and the head it last wrote.
// When the db's head is still that one, nobody else appended or removed anything since, and the
// append needs no read of the checkpoint file.
interface Trail {
  readonly files: AuditFiles;
  readonly key: KeyObject;
  /** True when this process created the key (the first keyed append of an upgraded or new trail). */
  readonly created: boolean;
  last: Checkpoint | null;
}
// By connection: the append path then reads no environment, resolves no path and hashes nothing.
let trails = new WeakMap<StateDb, Trail>();

function trailOf(state: StateDb): Trail {
  const known = trails.get(state);
  if (known) return known;
  const files = auditFiles(state.path);
  const existing = readKey(files);
  const trail: Trail = { files, key: existing ?? createKey(files), created: existing === null, last: null };
  trails.set(state, trail);
  return trail;
}

/** Forgets keys and heads held in memory, as a new process would (tests that play a second process call this). */
export function forgetAuditKeys(): void {
  trails = new WeakMap();
  releaseCheckpoints();
}

const sameHead = (a: Head | null, c: Checkpoint | null): boolean => (a === null ? c === null || c.seq === 0 : c !== null && a.seq === c.seq && a.hash === c.mac);

/** Why the trail's head and the checkpoint disagree, or null when they agree. */
export function headMismatch(head: Head | null, checkpoint: Checkpoint): string | null {
  if (sameHead(head, checkpoint)) return null;
  const at = head?.seq ?? 0;
  const entries = (from: number, to: number): string => (from === to ? `entry ${from} is` : `entries ${from}..${to} are`);
  if (at < checkpoint.seq) {
    return at === 0
      ? `the trail is empty but the checkpoint records ${checkpoint.seq} entr${checkpoint.seq === 1 ? 'y' : 'ies'}: the table was wiped, dropped or recreated`
      : `${entries(at + 1, checkpoint.seq)} missing: the checkpoint records entry ${checkpoint.seq} as the last, the trail ends at ${at} (deleted, or a process was killed while appending)`;
  }
  if (at > checkpoint.seq) {
    return `${entries(checkpoint.seq + 1, at)} not covered by the checkpoint (it records entry ${checkpoint.seq} as the last): they were added behind the trail's back, or the checkpoint was replaced by an older one`;
  }
  return `entry ${at} is not the one the checkpoint records: it was replaced`;
}

/** The checkpoint as this append finds it, and why it disagrees with the trail (null when it does not). */
function checkHead(state: StateDb, trail: Trail, head: Head | null): { keyedFrom: number; problem: string | null; found: Checkpoint | null } {
  if (trail.last && sameHead(head, trail.last)) return { keyedFrom: trail.last.keyedFrom, problem: null, found: trail.last };
  const found = readCheckpoint(trail.files, trail.key);
  const checked = checkSlow(state, trail, head, found);
  return { ...checked, found: found.state === 'ok' ? found.checkpoint : null };
}

function checkSlow(state: StateDb, trail: Trail, head: Head | null, read: CheckpointRead): { keyedFrom: number; problem: string | null } {
  const next = (head?.seq ?? 0) + 1;
  // An entry this process wrote that is no longer there as written.
  if (trail.last && trail.last.seq > 0) {
    const mine = state.stmt('SELECT hash FROM audit WHERE seq = ?').get(trail.last.seq) as { hash: string } | undefined;
    if (mine?.hash !== trail.last.mac) {
      return { keyedFrom: Math.min(trail.last.keyedFrom, next), problem: `entry ${trail.last.seq}, written by this process, is ${mine ? 'changed' : 'gone'}` };
    }
  }
  if (read.state === 'ok') return { keyedFrom: Math.min(read.checkpoint.keyedFrom, next), problem: headMismatch(head, read.checkpoint) };
  if (read.state === 'invalid') return { keyedFrom: next, problem: 'the checkpoint was edited or is unreadable' };
  if (!trail.created) return { keyedFrom: next, problem: 'the checkpoint is missing (deleted)' };
  // A new key: the keyed chain starts here. The trail before it must be the plain chain of older
  // versions; a head that is not means it was keyed under a key that has gone.
  const row = head ? (state.stmt('SELECT * FROM audit WHERE seq = ?').get(head.seq) as unknown as AuditDbRow) : null;
  if (row && plainHashOf(row) !== row.hash) return { keyedFrom: next, problem: `the audit key was missing and a new one was made: entries up to ${row.seq} cannot be verified` };
  return { keyedFrom: next, problem: null };
}

function insertRow(state: StateDb, trail: Trail, row: Omit<AuditDbRow, 'hash'>): string {
  const hash = mac(trail.key, bodyOf(row));
  state
    .stmt(
      `INSERT INTO audit (seq, ts, initiator, agent, action, target, run_id, approval_id, result, data_json, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(row.seq, row.ts, row.initiator, row.agent, row.action, row.target, row.run_id, row.approval_id, row.result, row.data_json, row.prev_hash, hash);
  return hash;
}

/**
 * Appends one entry. Fields are redacted here, by the caller's redactor and then the state db's
 * own, before they are hashed: the db redacts every write again, and what is stored must be
 * exactly what was hashed (redaction is idempotent).
 */
export function appendAudit(state: StateDb, entry: AuditEntry, extra: (s: string) => string = (s) => s): AuditRow {
  const redact = (s: string): string => state.redact(extra(s));
  return state.tx(() => {
    const trail = trailOf(state);
    let head = (state.stmt('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as Head | undefined) ?? null;
    const ts = new Date().toISOString();
    const { keyedFrom, problem, found } = checkHead(state, trail, head);
    if (problem) {
      const seq = (head?.seq ?? 0) + 1;
      const note = { seq, ts, initiator: 'agentdeck', agent: 'orchestrator', action: MISMATCH_ACTION, target: null, run_id: null, approval_id: null, result: 'tamper suspected', data_json: JSON.stringify({ problem }), prev_hash: head?.hash ?? GENESIS };
      head = { seq, hash: insertRow(state, trail, note) };
    }
    const row: Omit<AuditDbRow, 'hash'> = {
      seq: (head?.seq ?? 0) + 1,
      ts,
      initiator: entry.initiator,
      agent: entry.agent ?? null,
      action: redact(entry.action),
      target: entry.target ? redact(entry.target) : null,
      run_id: entry.runId ?? null,
      approval_id: entry.approvalId ?? null,
      result: redact(entry.result),
      data_json: entry.data ? redact(JSON.stringify(entry.data)) : null,
      prev_hash: head?.hash ?? GENESIS,
    };
    const hash = insertRow(state, trail, row);
    // Written before COMMIT, under the db's write lock, so checkpoints of concurrent processes
    // land in the order of their entries; put back if the transaction rolls back.
    const before = trail.last;
    const checkpoint: Checkpoint = { seq: row.seq, mac: hash, keyedFrom };
    writeCheckpoint(trail.files, trail.key, checkpoint);
    trail.last = checkpoint;
    state.onRollback(() => {
      trail.last = before;
      if (found) writeCheckpoint(trail.files, trail.key, found);
      else removeCheckpoint(trail.files);
      // A key made by this very append goes too: a key without a checkpoint reads as a deleted checkpoint.
      if (!found && trail.created && before === null) {
        rmSync(trail.files.keyPath, { force: true });
        trails.delete(state);
      }
    });
    return toEntry({ ...row, hash });
  });
}

function toEntry(r: AuditDbRow): AuditRow {
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
  return (rows as unknown as AuditDbRow[]).map(toEntry);
}

export type AuditVerdict =
  | { readonly ok: true; readonly count: number; readonly keyedFrom: number | null; readonly restored: readonly string[] }
  | {
      readonly ok: false;
      readonly count: number;
      readonly keyedFrom: number | null;
      readonly restored: readonly string[];
      /** The first entry that is broken or missing; null when the finding concerns no one entry (the guard). */
      readonly brokenAt: number | null;
      readonly reason: string;
    };

/**
 * Checks the append-only guard (restoring what is missing), walks the chain in order, and compares
 * its head with the checkpoint. Reports the first broken link or the missing tail.
 */
export function verifyAudit(state: StateDb): AuditVerdict {
  const restored = restoreAuditGuard(state);
  const verdict = checkTrail(state, restored);
  // Recorded after the check, so the verdict is about the trail as it was found.
  if (restored.length > 0) appendAudit(state, { initiator: 'agentdeck', agent: 'orchestrator', action: 'audit guard restored', result: 'restored', data: { restored } });
  return verdict;
}

function checkTrail(state: StateDb, restored: readonly string[]): AuditVerdict {
  const files = auditFiles(state.path);
  const key = readKey(files);
  // The head and the checkpoint read together, under the write lock, so no append slips between.
  const { head, read } = state.tx(() => ({
    head: (state.db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as Head | undefined) ?? null,
    read: key ? readCheckpoint(files, key) : null,
  }));
  const checkpoint = read?.state === 'ok' ? read.checkpoint : null;
  const keyedFrom = checkpoint?.keyedFrom ?? null;
  let count = 0;
  const broken = (brokenAt: number | null, reason: string): AuditVerdict => ({ ok: false, count, keyedFrom, restored, brokenAt, reason });
  let prev = GENESIS;
  let expectedSeq = 1;
  let keyedSeen = false;
  for (const raw of state.db.prepare('SELECT * FROM audit WHERE seq <= ? ORDER BY seq').iterate(head?.seq ?? 0)) {
    const r = raw as unknown as AuditDbRow;
    count++;
    if (r.seq !== expectedSeq) return broken(expectedSeq, `entry ${expectedSeq} is missing (next is ${r.seq})`);
    if (r.prev_hash !== prev) return broken(r.seq, `entry ${r.seq} does not link to entry ${r.seq - 1}`);
    const { hash, ...rest } = r;
    const body = bodyOf(rest);
    if (key && mac(key, body) === hash) {
      keyedSeen = true;
      if (keyedFrom !== null && r.seq < keyedFrom) return broken(r.seq, `entry ${r.seq} is keyed but the keyed chain starts at ${keyedFrom}`);
      if (r.action === MISMATCH_ACTION) return broken(r.seq, `entry ${r.seq} records that the trail did not match its checkpoint: ${String(parseJson<{ problem?: unknown }>(r.data_json, {}).problem)}`);
    } else if (plainHashOf(rest) === hash) {
      // The plain chain of older versions: only before the first keyed entry.
      if (keyedSeen || (keyedFrom !== null && r.seq >= keyedFrom)) {
        return broken(r.seq, `entry ${r.seq} carries a plain sha256 hash where the keyed chain requires a MAC: it was forged`);
      }
    } else {
      return broken(r.seq, key ? `entry ${r.seq} was altered (its MAC does not match its content)` : `entry ${r.seq} does not match its content: altered, or keyed with an audit key that is missing`);
    }
    prev = hash;
    expectedSeq++;
  }
  // No key: nothing was ever appended by this version (an older version's trail, or an empty one).
  if (!key || !read) return { ok: true, count, keyedFrom, restored };
  if (read.state === 'missing') return broken(null, 'the checkpoint of the trail\'s head is missing (deleted): the tail cannot be vouched for');
  if (read.state === 'invalid') return broken(null, 'the checkpoint of the trail\'s head was edited or is unreadable');
  const problem = headMismatch(head, read.checkpoint);
  if (problem) return broken(Math.min(head?.seq ?? 0, read.checkpoint.seq) + 1, problem);
  if (restored.length > 0) return broken(null, `the append-only guard had been removed: restored ${restored.join(', ')}`);
  return { ok: true, count, keyedFrom, restored };
}
