// Tells the dashboard about ticket status changes made during a command: the changes are written
// by whichever layer makes them (a deployment record, a verified fix, a closed ticket), and the
// engine announces them once the command ends, so the queue and detail views follow the lifecycle.
import { getTicket, ticketLabel } from '../../services/state/tickets.js';
import { emitTicket } from './file-ticket.js';
import type { EngineInternals } from './internals.js';

/** The last ticket event announced per engine: a command run inside another is announced once. */
const announced = new WeakMap<EngineInternals, number>();

export function announceTicketChanges(engine: EngineInternals, since: string, runId?: string): void {
  // Runs after every command: a statement prepared once per connection.
  const rows = engine.state
    .stmt(
      `SELECT e.ticket_id, e.id AS last, e.note FROM ticket_events e JOIN (
         SELECT max(id) AS last FROM ticket_events WHERE at >= ? AND id > ? AND previous IS NOT NULL GROUP BY ticket_id
       ) m ON e.id = m.last`,
    )
    .all(since, announced.get(engine) ?? 0) as { ticket_id: string; last: number; note: string | null }[];
  for (const { ticket_id: id, last, note } of rows) {
    announced.set(engine, Math.max(announced.get(engine) ?? 0, last));
    const ticket = getTicket(engine.state, id);
    if (!ticket) continue;
    // The note says what happened (`DEPLOY-2026-001: merged into staging; no deploy command ...`).
    // One line: a note may be a commit message with its body and trailers.
    const first = note?.split('\n')[0]?.trim();
    emitTicket(engine, ticket, 'info', `Ticket ${ticketLabel(ticket)}: ${ticket.status}${first ? ` (${first})` : ''}`, runId);
  }
}
