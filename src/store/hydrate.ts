// Loads what the state db already holds into the store: at start-up and on refresh (R).
import type { AgentKind } from '../commands/types.js';
import type { StateDb } from '../services/state/db.js';
import { maxEventId, queryEvents } from '../services/state/events.js';
import { listTickets } from '../services/state/tickets.js';
import { approvalData, listApprovals } from '../agents/orchestrator/approvals-repo.js';
import { activityText, isActivity, toLogLine, type DeckStore } from './store.js';
import type { ActivityItem, ApprovalView, DeploymentView, LogLine, RunView, TicketView } from './types.js';

export function hydrate(store: DeckStore, state: StateDb, options: { logs?: number } = {}): void {
  hydrateTables(store, state);
  // Start-up reads the newest HISTORY_WINDOW events at most, however long the history: a search for
  // rare rows (Recent activity's successes and failures) would otherwise walk all of it.
  const afterId = maxEventId(state) - HISTORY_WINDOW;
  // Log lines are loaded once; on refresh the store already follows them live.
  const logs: LogLine[] | null = store.getState().logs.length > 0 ? null : recentLogs(state, options.logs ?? 500, afterId);
  // Recent activity starts from history too (deployments, rollbacks, approvals, failures), once.
  const activity: ActivityItem[] | null = store.getState().activity.length > 0 ? null : recentActivity(state, 50, afterId);
  if (!logs && !activity) return;
  // The line count covers what is loaded: the panes never say "0 lines" over lines they show.
  store.setState((s) => ({ ...s, logs: logs ?? s.logs, activity: activity ?? s.activity, logTotal: Math.max(s.logTotal, (logs ?? s.logs).length), version: s.version + 1 }));
}

/** Re-reads the tables the panes show (tickets, runs, pending approvals, the last deployment). */
export function hydrateTables(store: DeckStore, state: StateDb): void {
  const tickets: TicketView[] = listTickets(state, { limit: 200 }).map((t) => ({
    id: t.id,
    ...(t.ref ? { ref: t.ref } : {}),
    kind: t.kind,
    title: t.title,
    status: t.status,
    priority: t.priority,
    updatedAt: Date.parse(t.updatedAt),
  }));
  const runs = (
    state.db
      .prepare('SELECT id, status, line, agent, command_id, ticket_id, phase, updated_at FROM runs ORDER BY updated_at DESC LIMIT 200')
      .all() as { id: string; status: string; line: string; agent: AgentKind; command_id: string | null; ticket_id: string | null; phase: string | null; updated_at: string }[]
  ).map(
    (r): RunView => ({ id: r.id, status: r.status, line: r.line, agent: r.agent, commandId: r.command_id, ticketId: r.ticket_id, phase: r.phase, updatedAt: Date.parse(r.updated_at) }),
  );
  const approvals: ApprovalView[] = listApprovals(state, 'pending').map((a) => approvalData(a).approval);
  // A deploy that ran no deploy command only merged: shown as such, as its live event says.
  const dep = state.db
    .prepare("SELECT id, ticket_id, env, CASE WHEN status = 'succeeded' AND json_extract(data_json, '$.deployCommands') = 0 THEN 'merged' ELSE status END AS status, created_at FROM deployments ORDER BY created_at DESC LIMIT 1")
    .get() as
    | { id: string; ticket_id: string | null; env: string; status: string; created_at: string }
    | undefined;
  const lastDeployment: DeploymentView | null = dep ? { id: dep.id, ticketId: dep.ticket_id, env: dep.env, status: dep.status, ts: Date.parse(dep.created_at) } : null;
  store.setState((s) => ({ ...s, tickets, runs, approvals, lastDeployment, version: s.version + 1 }));
}

/** How many of the newest stored events start-up looks through. */
export const HISTORY_WINDOW = 50_000;

function recentLogs(state: StateDb, limit: number, afterId: number): LogLine[] {
  // Every event that says something, as the live store takes them (not only log kinds).
  return queryEvents(state, { limit, said: true, afterId }).map(toLogLine);
}

/** The newest activity first, as the live store keeps it. */
function recentActivity(state: StateDb, limit: number, afterId: number): ActivityItem[] {
  return queryEvents(state, { limit: limit * 2, levels: ['success', 'warn', 'error'], afterId })
    .filter(isActivity)
    .slice(-limit)
    .reverse()
    .map((e) => ({ ts: e.ts, level: e.level, text: activityText(e) }));
}
