// Tickets named by the admin's own reference (AI-EST-142): every argument or flag a command marks
// as naming a ticket is resolved to our id here, once, before any handler, run record or approval
// sees it. A value that is no known reference is left as typed (the handler says what is wrong).
import type { CommandSpec } from '../../commands/types.js';
import { flagKey } from '../../commands/define.js';
import type { StateDb } from '../../services/state/db.js';
import { getTicket } from '../../services/state/tickets.js';

/** The keys of `spec`'s args object that name a ticket. */
export function ticketKeys(spec: CommandSpec): string[] {
  return [...spec.args.filter((a) => a.ticket).map((a) => a.name), ...spec.flags.filter((f) => f.ticket).map((f) => flagKey(f.name))];
}

export function resolveTicketArgs(state: StateDb, spec: CommandSpec, args: Record<string, unknown>): Record<string, unknown> {
  let out = args;
  for (const key of ticketKeys(spec)) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    const ticket = getTicket(state, value);
    if (ticket && ticket.id !== value) out = { ...out, [key]: ticket.id };
  }
  return out;
}
