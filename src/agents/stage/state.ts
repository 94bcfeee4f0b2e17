// The state db from a handler: the engine's own connection when the context was built by the
// engine, otherwise a short-lived one (opening costs a few ms).
import { openState, type StateDb } from '../../services/state/db.js';
import { engineState } from '../state.js';
import { getTicket, setTicketStatus, TICKET_ID, type Ticket, type TicketStatus } from '../../services/state/tickets.js';
import { CommandError, type CommandContext } from '../types.js';

export function withState<T>(where: CommandContext | string, fn: (state: StateDb) => T): T {
  const shared = typeof where === 'string' ? null : engineState(where);
  if (shared) return fn(shared);
  const state = openState(typeof where === 'string' ? where : where.root);
  try {
    return fn(state);
  } finally {
    state.close();
  }
}

/** The ticket `id` names (our id or its outside reference); an unknown one is refused with the same message by every agent. */
export function requireTicket(ctx: CommandContext, id: string): Ticket {
  const ticket = withState(ctx, (state) => getTicket(state, id));
  if (!ticket) throw new CommandError('unknown_ticket', unknownTicketMessage(id));
  return ticket;
}

export function unknownTicketMessage(id: string): string {
  const file = TICKET_ID.test(id) ? '"create ticket" files one' : `"create ticket --ref ${id.toUpperCase()} <description>" files it under that reference`;
  return `ticket ${id} does not exist ("status" lists the tickets; ${file})`;
}

/** Moves the ticket along its lifecycle, recorded with the context's run (nothing when it is unknown or already there). */
export function markTicket(ctx: CommandContext, id: string, status: TicketStatus, note?: string): void {
  withState(ctx, (state) => setTicketStatus(state, id, status, { runId: ctx.runId, ...(note ? { note } : {}) }));
}
