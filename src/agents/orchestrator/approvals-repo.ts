// Rows of the approvals table: one exact action (bound by its hash) waiting for a human.
import type { ApprovalPayload } from '../../services/events/payloads.js';
import type { StateDb } from '../../services/state/db.js';
import { parseJson } from '../../services/state/db.js';
import type { ApprovalAction } from '../types.js';
import { actionHash } from './action-hash.js';
import { formatId, nextSeq, normalizeId } from './runs-repo.js';

/** `void`: approved, but the content it was bound to changed before it was used. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'void';

export interface ApprovalRow {
  readonly id: string;
  readonly runId: string | null;
  readonly ticketId: string | null;
  readonly tool: string;
  readonly action: ApprovalAction;
  readonly actionHash: string;
  readonly summary: string;
  readonly target: string;
  readonly confirmText: string | null;
  readonly status: ApprovalStatus;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly expiresAt: string | null;
  readonly remindedAt: string | null;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly reason: string | null;
}

type Raw = Record<string, string | null>;

function toApproval(r: Raw): ApprovalRow {
  return {
    id: r.id as string,
    runId: r.run_id ?? null,
    ticketId: r.ticket_id ?? null,
    tool: r.tool as string,
    action: parseJson(r.action_json, { tool: r.tool as string, args: {}, target: r.target as string, summary: r.summary as string }),
    actionHash: r.action_hash as string,
    summary: r.summary as string,
    target: r.target as string,
    confirmText: r.confirm_text ?? null,
    status: r.status as ApprovalStatus,
    requestedBy: r.requested_by as string,
    requestedAt: r.requested_at as string,
    expiresAt: r.expires_at ?? null,
    remindedAt: r.reminded_at ?? null,
    resolvedAt: r.resolved_at ?? null,
    resolvedBy: r.resolved_by ?? null,
    reason: r.reason ?? null,
  };
}

/** The `data` of an approval event: the row as the store and the email subscriber follow it. */
export function approvalData(a: ApprovalRow, status: string = a.status): ApprovalPayload {
  return { approval: { id: a.id, runId: a.runId, ticketId: a.ticketId, summary: a.summary, status, target: a.target, tool: a.tool, confirmText: a.confirmText, expiresAt: a.expiresAt, ...(a.action.detail?.length ? { detail: a.action.detail } : {}) } };
}

export interface NewApproval {
  readonly runId: string | null;
  readonly ticketId: string | null;
  readonly action: ApprovalAction;
  readonly requestedBy: string;
  readonly ttlMinutes: number;
}

export function insertApproval(state: StateDb, a: NewApproval): ApprovalRow {
  return state.tx(() => {
    const id = formatId('APR', nextSeq(state, 'approvals'));
    const requested = new Date();
    const expires = new Date(requested.getTime() + a.ttlMinutes * 60_000);
    state.db
      .prepare(
        `INSERT INTO approvals (id, run_id, ticket_id, tool, action_json, action_hash, summary, target, confirm_text, status, requested_by, requested_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(
        id,
        a.runId,
        a.ticketId,
        a.action.tool,
        JSON.stringify(a.action),
        actionHash(a.action),
        a.action.summary,
        a.action.target,
        a.action.confirmText ?? null,
        a.requestedBy,
        requested.toISOString(),
        expires.toISOString(),
      );
    return getApproval(state, id) as ApprovalRow;
  });
}

export function getApproval(state: StateDb, id: string): ApprovalRow | null {
  const row = state.stmt('SELECT * FROM approvals WHERE id = ? COLLATE NOCASE').get(normalizeId(id)) as Raw | undefined;
  return row ? toApproval(row) : null;
}

export function approvalsOfRun(state: StateDb, runId: string): ApprovalRow[] {
  return (state.stmt('SELECT * FROM approvals WHERE run_id = ? ORDER BY requested_at, rowid').all(runId) as Raw[]).map(toApproval);
}

/** The newest pending approval of a ticket (`approve BUG-2026-001`). */
export function pendingOfTicket(state: StateDb, ticketId: string): ApprovalRow | null {
  const row = state.db
    .prepare("SELECT * FROM approvals WHERE ticket_id = ? COLLATE NOCASE AND status = 'pending' ORDER BY requested_at DESC, rowid DESC LIMIT 1")
    .get(ticketId) as Raw | undefined;
  return row ? toApproval(row) : null;
}

export function listApprovals(state: StateDb, status?: ApprovalStatus): ApprovalRow[] {
  const rows = status
    ? state.stmt('SELECT * FROM approvals WHERE status = ? ORDER BY requested_at, rowid').all(status)
    : state.stmt('SELECT * FROM approvals ORDER BY requested_at DESC, rowid DESC LIMIT 100').all();
  return (rows as Raw[]).map(toApproval);
}

/** A pending approval of this exact action (any run), unexpired, oldest first; null when none. */
export function pendingWithHash(state: StateDb, hash: string, now = Date.now()): ApprovalRow | null {
  const rows = (state.stmt("SELECT * FROM approvals WHERE action_hash = ? AND status = 'pending' ORDER BY requested_at, rowid").all(hash) as Raw[]).map(toApproval);
  return rows.find((a) => a.expiresAt === null || Date.parse(a.expiresAt) > now) ?? null;
}

/** Voids an approved approval whose content changed; false when it was not approved. */
export function voidApproval(state: StateDb, id: string, reason: string): boolean {
  const changes = state.db
    .prepare("UPDATE approvals SET status = 'void', reason = ? WHERE id = ? AND status = 'approved'")
    .run(reason, id).changes;
  return Number(changes) > 0;
}

/** Resolves a pending approval; false when it was no longer pending. */
export function resolveApproval(state: StateDb, id: string, status: Exclude<ApprovalStatus, 'pending'>, by: string, reason?: string): boolean {
  const changes = state.db
    .prepare("UPDATE approvals SET status = ?, resolved_at = ?, resolved_by = ?, reason = ? WHERE id = ? AND status = 'pending'")
    .run(status, new Date().toISOString(), by, reason ?? null, id).changes;
  return Number(changes) > 0;
}

/** Marks the reminder sent; false when another process sent it first. */
export function markReminded(state: StateDb, id: string): boolean {
  const changes = state.db
    .prepare("UPDATE approvals SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL AND status = 'pending'")
    .run(new Date().toISOString(), id).changes;
  return Number(changes) > 0;
}
