// Tickets with readable ids: BUG-2026-001, FEAT-2026-002 (one sequence per year across kinds).
import type { StateDb } from './db.js';
import { parseJson } from './db.js';

export const TICKET_KINDS = ['BUG', 'FEAT', 'TASK'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export interface Ticket {
  readonly id: string;
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
      `INSERT INTO tickets (id, kind, year, seq, title, description, status, priority, created_by, created_at, updated_at, data_json)
       VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
    ).run(
      id,
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
    return getTicket(state, id) as Ticket;
  });
}

export function getTicket(state: StateDb, id: string): Ticket | undefined {
  const row = state.db.prepare('SELECT * FROM tickets WHERE id = ?').get(id.toUpperCase()) as Row | undefined;
  return row ? fromRow(row) : undefined;
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
