// Tickets with readable ids: BUG-2026-001, FEAT-2026-002 (one sequence per year across kinds).
// A ticket may also carry the admin's own reference from their tracker (AI-EST-142), by which
// every command can name it, and moves through a lifecycle recorded in ticket_events.
import type { StateDb } from './db.js';
import { parseJson } from './db.js';

export const TICKET_KINDS = ['BUG', 'FEAT', 'TASK'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** A ticket's lifecycle, in the order work usually takes it. */
export const TICKET_STATUSES = [
  'open',
  'in progress',
  'staged',
  // Merged into the environment's branch, but no deploy command is configured for it: nothing ran.
  'merged for staging',
  'deployed to staging',
  'merged for production',
  'deployed to production',
  'rolled back',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export interface Ticket {
  readonly id: string;
  /** The admin's own reference (AI-EST-142), or null. */
  readonly ref: string | null;
  readonly kind: TicketKind;
  readonly title: string;
  readonly description: string;
  readonly status: string;
  readonly priority: TicketPriority;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly data: Record<string, unknown>;
}

/** Matches a ticket id as typed (case-insensitive). */
export const TICKET_ID = /^(BUG|FEAT|TASK)-(\d{4})-(\d{3,})$/i;

/** Finds a ticket id inside other text (upper case only; add the `i` flag to accept any case). */
export const TICKET_ID_IN_TEXT = /\b(?:BUG|FEAT|TASK)-\d{4}-\d{3,}\b/;

interface Row {
  id: string;
  ref: string | null;
  kind: TicketKind;
  title: string;
  description: string;
  status: string;
  priority: TicketPriority;
  created_by: string;
  created_at: string;
  updated_at: string;
  data_json: string | null;
}

function fromRow(r: Row): Ticket {
  return {
    id: r.id,
    ref: r.ref ?? null,
    kind: r.kind,
    title: r.title,
    description: r.description,
    status: r.status,
    priority: r.priority,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    data: parseJson(r.data_json, {}),
  };
}

export interface NewTicket {
  readonly kind: TicketKind;
  readonly title: string;
  readonly description?: string;
  readonly priority?: TicketPriority;
  readonly createdBy?: string;
  readonly data?: Record<string, unknown>;
  readonly now?: Date;
  /** The admin's own reference for it (AI-EST-142); stored upper case. */
  readonly ref?: string;
  /** The run that filed it. */
  readonly runId?: string | null;
}

/** The ticket a durable step opened (its id kept in the ticket's data), if any. */
export function ticketOfStep(state: StateDb, stepId: string): Ticket | null {
  const row = state.db.prepare("SELECT id FROM tickets WHERE json_extract(data_json, '$.step') = ?").get(stepId) as { id: string } | undefined;
  return row ? (getTicket(state, row.id) ?? null) : null;
}

export function createTicket(state: StateDb, input: NewTicket): Ticket {
  const now = input.now ?? new Date();
  const year = now.getUTCFullYear();
  const iso = now.toISOString();
  return state.tx(() => {
    const { db } = state;
    db.prepare('INSERT INTO ticket_seq (year, last) VALUES (?, 1) ON CONFLICT (year) DO UPDATE SET last = last + 1').run(year);
    const { last } = db.prepare('SELECT last FROM ticket_seq WHERE year = ?').get(year) as { last: number };
    const id = `${input.kind}-${year}-${String(last).padStart(3, '0')}`;
    db.prepare(
      `INSERT INTO tickets (id, ref, kind, year, seq, title, description, status, priority, created_by, created_at, updated_at, data_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
    ).run(
      id,
      input.ref ? input.ref.toUpperCase() : null,
      input.kind,
      year,
      last,
      input.title,
      input.description ?? '',
      input.priority ?? 'normal',
      input.createdBy ?? 'you',
      iso,
      iso,
      input.data ? JSON.stringify(input.data) : null,
    );
    db.prepare('INSERT INTO ticket_events (ticket_id, status, previous, run_id, note, at) VALUES (?, ?, NULL, ?, ?, ?)').run(
      id,
      'open',
      input.runId ?? null,
      input.ref ? `filed under ${input.ref.toUpperCase()}` : null,
      iso,
    );
    return getTicket(state, id) as Ticket;
  });
}

/** The ticket with our id, or else with this outside reference (case-insensitive). */
export function getTicket(state: StateDb, id: string): Ticket | undefined {
  const upper = id.toUpperCase();
  const row = (state.stmt('SELECT * FROM tickets WHERE id = ?').get(upper) ??
    state.stmt('SELECT * FROM tickets WHERE upper(ref) = ?').get(upper)) as Row | undefined;
  return row ? fromRow(row) : undefined;
}

/** How a ticket is named in lines: `BUG-2026-001`, or `AI-EST-142 (BUG-2026-001)` when it has a reference. */
export function ticketLabel(ticket: Pick<Ticket, 'id' | 'ref'>): string {
  return ticket.ref ? `${ticket.ref} (${ticket.id})` : ticket.id;
}

export interface TicketEvent {
  readonly ticketId: string;
  readonly status: string;
  readonly previous: string | null;
  readonly runId: string | null;
  readonly note: string | null;
  readonly at: string;
}

/**
 * Moves a ticket to `status`, recording the change with its time and run. No event when it is
 * already there; a closed ticket only leaves `closed` when work on it starts again.
 */
export function setTicketStatus(
  state: StateDb,
  id: string,
  status: TicketStatus,
  by: { readonly runId?: string | null; readonly note?: string } = {},
): Ticket | undefined {
  return state.tx(() => {
    const current = getTicket(state, id);
    if (!current || current.status === status) return current;
    const at = new Date().toISOString();
    state.db.prepare('UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?').run(status, at, current.id);
    state.db
      .prepare('INSERT INTO ticket_events (ticket_id, status, previous, run_id, note, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(current.id, status, current.status, by.runId ?? null, by.note ?? null, at);
    return getTicket(state, current.id);
  });
}

/** A ticket's status changes, oldest first. */
export function ticketEvents(state: StateDb, id: string): TicketEvent[] {
  const rows = state.db
    .prepare('SELECT ticket_id, status, previous, run_id, note, at FROM ticket_events WHERE ticket_id = ? ORDER BY id')
    .all(id.toUpperCase()) as { ticket_id: string; status: string; previous: string | null; run_id: string | null; note: string | null; at: string }[];
  return rows.map((r) => ({ ticketId: r.ticket_id, status: r.status, previous: r.previous, runId: r.run_id, note: r.note, at: r.at }));
}

export function listTickets(state: StateDb, options: { status?: string; limit?: number } = {}): Ticket[] {
  const limit = options.limit ?? 200;
  const rows = options.status
    ? state.db.prepare('SELECT * FROM tickets WHERE status = ? ORDER BY created_at DESC, seq DESC LIMIT ?').all(options.status, limit)
    : state.db.prepare('SELECT * FROM tickets ORDER BY created_at DESC, seq DESC LIMIT ?').all(limit);
  return (rows as unknown as Row[]).map(fromRow);
}

export function updateTicket(
  state: StateDb,
  id: string,
  patch: { status?: string; priority?: TicketPriority; data?: Record<string, unknown> },
): Ticket | undefined {
  const current = getTicket(state, id);
  if (!current) return undefined;
  const data = patch.data ? { ...current.data, ...patch.data } : current.data;
  state.db
    .prepare('UPDATE tickets SET status = ?, priority = ?, data_json = ?, updated_at = ? WHERE id = ?')
    .run(patch.status ?? current.status, patch.priority ?? current.priority, JSON.stringify(data), new Date().toISOString(), current.id);
  return getTicket(state, current.id);
}

/** Tickets whose record changed at or after `iso` (the runs' hook that tells the dashboard). */
export function ticketsChangedSince(state: StateDb, iso: string): Ticket[] {
  return (state.db.prepare('SELECT * FROM tickets WHERE updated_at >= ? ORDER BY updated_at').all(iso) as unknown as Row[]).map(fromRow);
}
