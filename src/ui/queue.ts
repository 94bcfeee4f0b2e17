// The rows of the queue pane: pending approvals first (they wait for you), then active runs, then
// tickets, then the last finished runs. The controller uses the same list to know what is selected.
import { FINISHED_RUN } from '../store/store.js';
import type { ApprovalView, DeckState, RunView, TicketView } from '../store/types.js';

export type QueueItem =
  | { readonly kind: 'approval'; readonly id: string; readonly approval: ApprovalView }
  | { readonly kind: 'run'; readonly id: string; readonly run: RunView; readonly active: boolean }
  | { readonly kind: 'ticket'; readonly id: string; readonly ticket: TicketView };

/** Ticket statuses that no longer wait for anything. */
export const CLOSED_TICKET = new Set(['closed', 'done', 'resolved', 'deployed', 'cancelled', 'rejected']);

const PRIORITY_ORDER: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const FINISHED_SHOWN = 10;

// Kept while approvals, runs and tickets are the same arrays: new log lines make a new state, not a new queue.
let last: { approvals: DeckState['approvals']; runs: DeckState['runs']; tickets: DeckState['tickets']; items: QueueItem[] } | null = null;

export function buildQueue(s: DeckState): readonly QueueItem[] {
  if (last && last.approvals === s.approvals && last.runs === s.runs && last.tickets === s.tickets) return last.items;
  const items: QueueItem[] = [];
  for (const a of s.approvals) if (a.status === 'pending') items.push({ kind: 'approval', id: a.id, approval: a });
  const finished: RunView[] = [];
  for (const r of s.runs) {
    if (FINISHED_RUN.has(r.status)) finished.push(r);
    else items.push({ kind: 'run', id: r.id, run: r, active: true });
  }
  const open = s.tickets.filter((t) => !CLOSED_TICKET.has(t.status));
  const closed = s.tickets.filter((t) => CLOSED_TICKET.has(t.status));
  const byPriority = (a: TicketView, b: TicketView): number =>
    (PRIORITY_ORDER[a.priority] ?? 2) - (PRIORITY_ORDER[b.priority] ?? 2) || b.updatedAt - a.updatedAt;
  for (const t of [...open].sort(byPriority)) items.push({ kind: 'ticket', id: t.id, ticket: t });
  for (const r of finished.slice(0, FINISHED_SHOWN)) items.push({ kind: 'run', id: r.id, run: r, active: false });
  for (const t of closed.slice(0, FINISHED_SHOWN)) items.push({ kind: 'ticket', id: t.id, ticket: t });
  last = { approvals: s.approvals, runs: s.runs, tickets: s.tickets, items };
  return items;
}

/** What the header calls the queue: approvals, active runs and open tickets. */
export function queueSize(s: DeckState): number {
  return buildQueue(s).filter((i) => (i.kind === 'run' ? i.active : i.kind === 'approval' || !CLOSED_TICKET.has(i.ticket.status))).length;
}

export function ticketOf(item: QueueItem | undefined): string | null {
  if (!item) return null;
  if (item.kind === 'ticket') return item.ticket.id;
  if (item.kind === 'run') return item.run.ticketId ?? null;
  return item.approval.ticketId ?? null;
}
