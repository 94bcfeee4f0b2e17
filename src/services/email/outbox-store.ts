// The outbox table: one row per email, written before any attempt so nothing is lost when the
// process dies, de-duplicated by `dedupe_key` (one email per run and reason), and claimed by a
// worker with a lease (status 'sending', lease end in next_attempt_at) so that two processes
// sharing the state db never send the same row at the same time; a crashed worker's lease
// simply runs out and the row is tried again with the same idempotency key.
import { randomUUID } from 'node:crypto';
import type { StateDb } from '../state/db.js';
import { parseJson } from '../state/db.js';
import type { NotificationKind, OutboxEmail, OutboxStatus, RenderedEmail } from './types.js';

interface Row {
  id: string;
  reason: string;
  dedupe_key: string;
  run_id: string | null;
  to_json: string;
  sender: string;
  subject: string;
  text: string;
  html: string | null;
  status: string;
  attempts: number;
  idempotency_key: string;
  next_attempt_at: string | null;
  last_error: string | null;
  provider_id: string | null;
  created_at: string;
  sent_at: string | null;
}

function toEmail(r: Row): OutboxEmail {
  return {
    id: r.id,
    reason: r.reason as NotificationKind,
    dedupeKey: r.dedupe_key,
    runId: r.run_id,
    to: parseJson<string[]>(r.to_json, []),
    from: r.sender,
    subject: r.subject,
    text: r.text,
    html: r.html ?? '',
    status: r.status as OutboxStatus,
    attempts: r.attempts,
    idempotencyKey: r.idempotency_key,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    providerId: r.provider_id,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

export interface NewEmail extends RenderedEmail {
  readonly reason: NotificationKind;
  readonly dedupeKey: string;
  readonly runId: string | null;
  readonly to: readonly string[];
  readonly from: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Inserts the email unless one with the same dedupe key exists; returns the stored row either way. */
export function enqueue(state: StateDb, email: NewEmail, now = Date.now()): { email: OutboxEmail; created: boolean } {
  return state.tx(() => {
    const id = randomUUID();
    const result = state.db
      .prepare(
        `INSERT INTO outbox (id, reason, dedupe_key, run_id, to_json, sender, subject, text, html, status, attempts, idempotency_key, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, NULL, ?)
         ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .run(id, email.reason, email.dedupeKey, email.runId, JSON.stringify(email.to), email.from, email.subject, email.text, email.html, `agentdeck-${id}`, iso(now));
    const row = state.db.prepare('SELECT * FROM outbox WHERE dedupe_key = ?').get(email.dedupeKey) as unknown as Row;
    return { email: toEmail(row), created: Number(result.changes) === 1 };
  });
}

/**
 * Claims up to `limit` rows that are due (pending and past their next attempt, or sending with
 * an expired lease): marks them 'sending', counts the attempt, sets the lease end.
 */
export function claimDue(state: StateDb, options: { now: number; leaseMs: number; limit: number; ids?: readonly string[] }): OutboxEmail[] {
  return state.tx(() => {
    const now = iso(options.now);
    const only = options.ids ? `AND id IN (${options.ids.map(() => '?').join(', ')})` : '';
    const rows = state.db
      .prepare(
        `SELECT * FROM outbox
         WHERE ((status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
             OR (status = 'sending' AND next_attempt_at <= ?)) ${only}
         ORDER BY created_at, id LIMIT ?`,
      )
      .all(now, now, ...(options.ids ?? []), options.limit) as unknown as Row[];
    const lease = iso(options.now + options.leaseMs);
    const claim = state.db.prepare(`UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`);
    for (const r of rows) claim.run(lease, r.id);
    return rows.map((r) => toEmail({ ...r, status: 'sending', attempts: r.attempts + 1, next_attempt_at: lease }));
  });
}

export function markSent(state: StateDb, id: string, providerId: string, now = Date.now()): void {
  state.db
    .prepare(`UPDATE outbox SET status = 'sent', provider_id = ?, sent_at = ?, next_attempt_at = NULL, last_error = NULL WHERE id = ?`)
    .run(providerId, iso(now), id);
}

export function markRetry(state: StateDb, id: string, nextAttemptAt: number, error: string): void {
  state.db.prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?`).run(iso(nextAttemptAt), error, id);
}

export function markFailed(state: StateDb, id: string, error: string): void {
  state.db.prepare(`UPDATE outbox SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE id = ?`).run(error, id);
}

export function getOutbox(state: StateDb, id: string): OutboxEmail | null {
  const row = state.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as unknown as Row | undefined;
  return row ? toEmail(row) : null;
}

export function listOutbox(state: StateDb, options: { status?: OutboxStatus; limit?: number } = {}): OutboxEmail[] {
  const limit = options.limit ?? 100;
  const rows = options.status
    ? state.db.prepare('SELECT * FROM outbox WHERE status = ? ORDER BY created_at DESC, id LIMIT ?').all(options.status, limit)
    : state.db.prepare('SELECT * FROM outbox ORDER BY created_at DESC, id LIMIT ?').all(limit);
  return (rows as unknown as Row[]).map(toEmail);
}

/** Epoch ms of the earliest moment a row becomes due, or null when nothing waits. */
export function nextDueAt(state: StateDb, ids?: readonly string[]): number | null {
  const only = ids ? `AND id IN (${ids.map(() => '?').join(', ')})` : '';
  const row = state.db
    .prepare(`SELECT min(coalesce(next_attempt_at, created_at)) AS at FROM outbox WHERE status IN ('pending', 'sending') ${only}`)
    .get(...(ids ?? [])) as { at: string | null };
  return row.at ? Date.parse(row.at) : null;
}
