// The console's own commands: tickets, status, logs, health, help, the audit check, and the
// system views. They read and write the state db through the engine their context belongs to.
import { agentCounts } from '../activity.js';
import { helpTopic } from '../../commands/help.js';
import { auditVerify, dashboard, health, help, logs, status } from '../../commands/defs/meta.js';
import { systemLogs, systemStatus } from '../../commands/defs/system.js';
import { closeTicket as closeTicketSpec, createTicket as createTicketSpec } from '../../commands/defs/tickets.js';
import { AGENT_KINDS, AGENT_NAMES, type AgentKind } from '../../commands/types.js';
import { loadEnv } from '../../services/config/env.js';
import { collectSecrets } from '../../services/config/secrets.js';
import { formatTime } from '../../services/events/format.js';
import type { HealthPayload } from '../../services/events/payloads.js';
import type { AgentEvent, Level } from '../../services/events/types.js';
import { renderOutput, renderTable, type OutputFormat } from '../../services/format/output.js';
import { formatHealthLines, runHealth } from '../../services/health/run.js';
import type { HealthReport } from '../../services/health/types.js';
import { verifyAudit } from '../../services/state/audit.js';
import { formatEvent } from '../../services/events/format.js';
import { levelsFrom, searchEvents, type LogFilter } from '../../services/events/filter.js';
import { getTicket, listTickets, setTicketStatus, ticketLabel, type TicketKind } from '../../services/state/tickets.js';
import { fileTicket, ticketFiledMessage } from './file-ticket.js';

export { inferTicketKind, ticketTitle } from './file-ticket.js';
import { unknownTicketMessage } from '../stage/state.js';
import { deploymentOutcome, listDeployments } from '../stage/deployments.js';
import type { CommandContext, CommandResult, HandlerTable } from '../types.js';
import { fail, handle, ok } from '../types.js';
import { listApprovals } from './approvals-repo.js';
import { engineOf, type EngineInternals } from './internals.js';
import { ACTIVE_STATUSES, listRuns } from './runs-repo.js';

// ---- tickets -------------------------------------------------------------------------------

const KIND_FLAG: Record<string, TicketKind> = { bug: 'BUG', feature: 'FEAT', task: 'TASK' };

const createTicketHandler = handle(createTicketSpec, (ctx, args) => {
  const ticket = fileTicket(ctx, {
    description: args.description,
    ...(args.kind ? { kind: KIND_FLAG[args.kind] ?? 'TASK' } : {}),
    priority: args.priority,
    ...(args.ref ? { ref: args.ref } : {}),
  });
  return Promise.resolve(ok(ticketFiledMessage(ticket), { ticket }));
});

const closeTicketHandler = handle(closeTicketSpec, (ctx, args) => {
  const state = engineOf(ctx).state;
  const ticket = getTicket(state, args.id);
  if (!ticket) return Promise.resolve(fail('unknown_ticket', unknownTicketMessage(args.id)));
  if (ticket.status === 'closed') return Promise.resolve(ok(`${ticketLabel(ticket)} is already closed`, { ticket }));
  const closed = setTicketStatus(state, ticket.id, 'closed', { runId: ctx.runId, ...(args.reason ? { note: args.reason } : {}) });
  return Promise.resolve(ok(`Ticket ${ticketLabel(ticket)} closed (was ${ticket.status})`, { ticket: closed }));
});

// ---- status --------------------------------------------------------------------------------

interface AgentRow {
  readonly agent: AgentKind;
  readonly name: string;
  readonly state: 'idle' | 'working' | 'waiting';
  readonly active: number;
  /** Concurrent instances allowed; null when unlimited. */
  readonly limit: number | null;
}

interface StatusData {
  readonly agents: readonly AgentRow[];
  readonly runs: readonly { id: string; status: string; agent: string; phase: string | null; ticketId: string | null; line: string }[];
  readonly tickets: readonly { id: string; ref: string | null; kind: string; status: string; since: string; priority: string; title: string; createdAt: string }[];
  readonly approvals: readonly { id: string; ticketId: string | null; target: string; summary: string; expiresAt: string | null }[];
  /** `outcome`: what it really did, in words (`merged into staging; no deploy command configured ...`). */
  readonly lastDeployment: { id: string; env: string; status: string; outcome: string; ticketId: string | null; createdAt: string } | null;
}

function gatherStatus(engine: EngineInternals): StatusData {
  const runs = listRuns(engine.state, { statuses: [...ACTIVE_STATUSES, 'waiting_approval'], limit: 200 });
  // The same count the dashboard's header, agents pane and quit dialog use.
  const counts = agentCounts(runs);
  const agents = AGENT_KINDS.map((agent): AgentRow => {
    const mine = counts.byAgent[agent];
    return {
      agent,
      name: AGENT_NAMES[agent],
      state: mine.state,
      active: mine.runs,
      limit: Number.isFinite(engine.pool.limit(agent)) ? engine.pool.limit(agent) : null,
    };
  });
  const tickets = listTickets(engine.state, { limit: 50 }).filter((t) => t.status !== 'closed' && t.status !== 'done');
  const deployment = listDeployments(engine.state, 1)[0];
  return {
    agents,
    runs: runs.map((r) => ({ id: r.id, status: r.status, agent: r.agent, phase: r.phase, ticketId: r.ticketId, line: r.line })),
    tickets: tickets.map((t) => ({ id: t.id, ref: t.ref, kind: t.kind, status: t.status, since: t.updatedAt, priority: t.priority, title: t.title, createdAt: t.createdAt })),
    approvals: listApprovals(engine.state, 'pending').map((a) => ({
      id: a.id,
      ticketId: a.ticketId,
      target: a.target,
      summary: a.summary,
      expiresAt: a.expiresAt,
    })),
    lastDeployment: deployment
      ? { id: deployment.id, env: deployment.env, status: deployment.status, outcome: deploymentOutcome(deployment), ticketId: deployment.ticketId, createdAt: deployment.createdAt }
      : null,
  };
}

function statusLines(s: StatusData): string[] {
  const d = s.lastDeployment;
  return [
    `Agents (${s.agents.filter((a) => a.state !== 'idle').length}/${s.agents.length} active)`,
    ...indent(renderTable(s.agents, [
      { header: 'agent', value: 'name' },
      { header: 'state', value: 'state' },
      { header: 'runs', value: 'active' },
      { header: 'limit', value: 'limit' },
    ])),
    '',
    `Active runs (${s.runs.length})`,
    ...indent(renderTable(s.runs, [
      { header: 'run', value: 'id' },
      { header: 'status', value: 'status' },
      { header: 'agent', value: 'agent' },
      { header: 'phase', value: 'phase' },
      { header: 'command', value: 'line', max: 50 },
    ])),
    '',
    `Tickets (${s.tickets.length} open)`,
    ...indent(renderTable(s.tickets, [
      { header: 'ticket', value: 'id' },
      { header: 'ref', value: (t) => t.ref ?? '' },
      { header: 'status', value: 'status' },
      { header: 'since', value: (t) => formatTime(Date.parse(t.since)) },
      { header: 'priority', value: 'priority' },
      { header: 'title', value: 'title', max: 60 },
    ])),
    '',
    `Approvals waiting (${s.approvals.length})`,
    ...indent(renderTable(s.approvals, [
      { header: 'approval', value: 'id' },
      { header: 'ticket', value: 'ticketId' },
      { header: 'target', value: 'target' },
      { header: 'action', value: 'summary', max: 60 },
    ])),
    '',
    `Last deployment: ${d ? `${d.id} ${d.ticketId ?? ''}: ${d.outcome} (${d.createdAt})`.replace('  ', ' ') : 'none'}`,
  ];
}

function indent(lines: readonly string[]): string[] {
  return lines.map((l) => `  ${l}`);
}

function summary(s: StatusData): string {
  const busy = s.agents.filter((a) => a.state !== 'idle').length;
  return `${busy}/${s.agents.length} agents active, ${s.runs.length} run${s.runs.length === 1 ? '' : 's'} in flight, ${s.tickets.length} open ticket${s.tickets.length === 1 ? '' : 's'}, ${s.approvals.length} approval${s.approvals.length === 1 ? '' : 's'} waiting`;
}

const statusHandler = handle(status, (ctx, args) => {
  const data = gatherStatus(engineOf(ctx));
  return Promise.resolve(ok(summary(data), data, renderOutput(args.output, data, { lines: () => statusLines(data) })));
});

const dashboardHandler = handle(dashboard, (ctx) => {
  const data = gatherStatus(engineOf(ctx));
  const d = data.lastDeployment;
  const lines = [
    `Active Agents: ${data.agents.filter((a) => a.state !== 'idle').length}/${data.agents.length}`,
    `Queue Size: ${data.runs.filter((r) => r.status === 'queued').length}`,
    `Approvals Waiting: ${data.approvals.length}`,
    `Last Deployment: ${d ? `${d.id}: ${d.outcome} (${d.createdAt})` : 'none'}`,
  ];
  return Promise.resolve(ok('The live dashboard is the agentdeck console: run "agentdeck" in a terminal', data, lines));
});

// ---- logs ----------------------------------------------------------------------------------

interface LogArgs {
  readonly agent?: string;
  readonly level?: Level;
  readonly limit?: number;
  readonly run?: string;
  readonly output: OutputFormat;
}

function readLogs(engine: EngineInternals, args: LogArgs): AgentEvent[] {
  const limit = args.limit ?? 200;
  const [kind, n] = (args.agent ?? '').split('-') as [string, string | undefined];
  const instance = n ? args.agent : undefined;
  // The same translation as the dashboard's `/` filter over history (`agent:<a> level:<l>`).
  const filter: LogFilter = { agents: kind ? new Set([kind as AgentKind]) : null, levels: levelsFrom(args.level ?? 'info'), words: [], error: null };
  // An instance filter is applied after the query, so ask for more.
  const events = searchEvents(engine.state, filter, { limit: instance ? limit * 10 : limit, ...(args.run ? { runId: args.run } : {}) });
  return instance ? events.filter((e) => e.instance === instance).slice(-limit) : events;
}

function logsResult(events: readonly AgentEvent[], args: LogArgs, who: string): CommandResult {
  const data = events.map((e) => ({ id: e.id, ts: new Date(e.ts).toISOString(), agent: e.agent, instance: e.instance, level: e.level, runId: e.runId, ticketId: e.ticketId, message: e.message }));
  const level = args.level ? ` at ${args.level} or above` : '';
  const message = events.length === 0 ? `No log lines for ${who}${level}` : `${events.length} log line${events.length === 1 ? '' : 's'} for ${who}${level}`;
  return ok(message, data, renderOutput(args.output, data, { lines: () => events.map((e) => `${formatTime(e.ts)} ${formatEvent(e)}`) }));
}

const logsHandler = handle(logs, (ctx, args) => {
  return Promise.resolve(logsResult(readLogs(engineOf(ctx), args), args, args.agent ?? 'every agent'));
});

const systemLogsHandler = handle(systemLogs, (ctx, args) =>
  Promise.resolve(logsResult(readLogs(engineOf(ctx), args), args, 'every agent')),
);

// ---- health --------------------------------------------------------------------------------

/** Health of the project at the context's root, announced as a `health` event for the dashboard. */
export async function checkHealth(ctx: CommandContext, options: { timeoutMs?: number; fetch?: typeof fetch } = {}): Promise<HealthReport> {
  const env = loadEnv(ctx.root);
  const report = await runHealth(
    { root: ctx.root, env: env.credentials },
    { secrets: collectSecrets(env.all), signal: ctx.signal, ...options },
  );
  const failingChecks = report.results.filter((r) => r.status === 'failing');
  const payload: HealthPayload = {
    checks: report.results.map((r) => ({ name: r.label, status: r.status, reason: r.detail })),
  };
  engineOf(ctx).bus.emit({
    agent: 'orchestrator',
    kind: 'health',
    level: failingChecks.length ? 'warn' : 'success',
    message: healthSummary(report),
    ...(ctx.runId ? { runId: ctx.runId } : {}),
    data: { ...payload },
  });
  return report;
}

function healthSummary(report: HealthReport): string {
  const count = (s: string): number => report.results.filter((r) => r.status === s).length;
  const names = (s: string): string => {
    const list = report.results.filter((r) => r.status === s).map((r) => r.label);
    return list.length ? ` (${list.join(', ')})` : '';
  };
  return `Health: ${count('ok')} ok, ${count('not_configured')} not configured${names('not_configured')}, ${count('failing')} failing${names('failing')}`;
}

function healthResult(report: HealthReport, data: unknown, lines: string[]): CommandResult {
  if (report.ok) return ok(healthSummary(report), data, lines);
  return { ...fail('unhealthy', healthSummary(report)), data, lines };
}

const healthHandler = handle(health, async (ctx, args) => {
  const report = await checkHealth(ctx);
  return healthResult(report, report, renderOutput(args.output, report, { lines: () => formatHealthLines(report) }));
});

const systemStatusHandler = handle(systemStatus, async (ctx, args) => {
  const report = await checkHealth(ctx);
  const status = gatherStatus(engineOf(ctx));
  const data = { health: report, status };
  const lines = renderOutput(args.output, data, { lines: () => ['Health', ...indent(formatHealthLines(report)), '', ...statusLines(status)] });
  return healthResult(report, data, lines);
});

// ---- help, audit ---------------------------------------------------------------------------

const helpHandler = handle(help, (_ctx, args) => {
  const topic = helpTopic(args.command);
  if (!topic.ok) return Promise.resolve({ ...fail('usage', topic.error), data: { suggestion: topic.suggestion } });
  return Promise.resolve(ok(args.command ? `Help for ${args.command}` : 'Commands', { lines: topic.lines }, topic.lines));
});

const auditVerifyHandler = handle(auditVerify, (ctx, args) => {
  const verdict = verifyAudit(engineOf(ctx).state);
  // Said whatever the verdict: the guard was put back by this check.
  const restored = verdict.restored.map((r) => `Restored the append-only guard: ${r}`);
  const lines = renderOutput(args.output, verdict, { lines: () => restored });
  if (verdict.ok) return Promise.resolve(ok(`Audit trail intact: ${verdict.count} entr${verdict.count === 1 ? 'y' : 'ies'} verified`, verdict, lines));
  const where = verdict.brokenAt === null ? 'Audit trail tampered with' : `Audit trail broken at entry ${verdict.brokenAt}`;
  return Promise.resolve({ ...fail('audit_broken', `${where}: ${verdict.reason}`), data: verdict, lines });
});

export const handlers: HandlerTable = Object.fromEntries([
  createTicketHandler,
  closeTicketHandler,
  statusHandler,
  dashboardHandler,
  logsHandler,
  systemLogsHandler,
  healthHandler,
  systemStatusHandler,
  helpHandler,
  auditVerifyHandler,
]);
