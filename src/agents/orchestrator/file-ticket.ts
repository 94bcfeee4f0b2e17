// Filing a ticket, from "create ticket" or from free text: its kind and title guessed from the
// description, the admin's own reference kept, and the line that announces it.
import { clipRedacted } from '../../services/secrets/redact.js';
import { createTicket, getTicket, type Ticket, type TicketKind, type TicketPriority } from '../../services/state/tickets.js';
import type { TicketPayload } from '../../services/events/payloads.js';
import { CommandError, type CommandContext } from '../types.js';
import { engineOf, type EngineInternals } from './internals.js';

const BUG_WORDS = /\b(fix|fixes|bug|bugs|error|errors|500|50[234]|broken|breaks|crash(es|ed)?|fail(s|ed|ing|ure)?|exception|regression|not (working|persisting|saving|loading)|wrong|incorrect)\b/i;
const FEATURE_WORDS = /\b(add|adds|new|feature|implement|support|introduce|enable|allow)\b/i;

/** BUG for words of failure, FEAT for words of addition, else TASK. */
export function inferTicketKind(description: string): TicketKind {
  if (BUG_WORDS.test(description)) return 'BUG';
  if (FEATURE_WORDS.test(description)) return 'FEAT';
  return 'TASK';
}

/** The first sentence (or line) of a description, at most 80 characters. */
export function ticketTitle(description: string): string {
  const first = description.trim().split(/\n|(?<=[.!?])\s/)[0]?.trim() ?? '';
  const title = first.replace(/[.!?]+$/, '') || description.trim();
  return clipRedacted(title, 80);
}

export interface FileTicket {
  readonly description: string;
  readonly kind?: TicketKind;
  readonly priority?: TicketPriority;
  /** The admin's own reference for it (AI-EST-142). */
  readonly ref?: string;
}

/**
 * Files a ticket and announces it: `Ticket created: BUG-2026-001`, or for one filed under the
 * admin's own reference, `Ticket received: AI-EST-142` (as the user's plan words it).
 */
export function fileTicket(ctx: CommandContext, input: FileTicket): Ticket {
  const engine = engineOf(ctx);
  if (input.ref) {
    const existing = getTicket(engine.state, input.ref);
    if (existing) throw new CommandError('ticket_exists', `${input.ref} is already filed as ${existing.id}: name it by either id`);
  }
  // Stored redacted: the dashboard and emails show tickets straight from the state db.
  const description = engine.bus.redact(input.description);
  const ticket = createTicket(engine.state, {
    kind: input.kind ?? inferTicketKind(description),
    title: ticketTitle(description),
    description,
    ...(input.priority ? { priority: input.priority } : {}),
    createdBy: ctx.initiator,
    ...(input.ref ? { ref: input.ref } : {}),
    runId: ctx.runId,
  });
  emitTicket(engine, ticket, 'success', ticketFiledMessage(ticket), ctx.runId);
  return ticket;
}

export function ticketFiledMessage(ticket: Ticket): string {
  return ticket.ref ? `Ticket received: ${ticket.ref} (filed as ${ticket.id})` : `Ticket created: ${ticket.id}`;
}

/** A ticket event: the dashboard's queue and detail view take the ticket from its payload. */
export function emitTicket(engine: EngineInternals, ticket: Ticket, level: 'success' | 'info', message: string, runId?: string | null): void {
  const payload: TicketPayload = {
    ticket: { id: ticket.id, ...(ticket.ref ? { ref: ticket.ref } : {}), kind: ticket.kind, title: ticket.title, status: ticket.status, priority: ticket.priority },
  };
  engine.bus.emit({ agent: 'orchestrator', kind: 'ticket', level, message, ticketId: ticket.id, ...(runId ? { runId } : {}), data: { ...payload } });
}
