// Reads what the dashboard's detail view shows for one ticket or run: the run(s), their steps by
// phase with each phase's gate, the approvals, and the last log lines. Plain lines, no React.
import { PHASES, type Phase } from '../agents/types.js';
import { checkGate } from '../agents/orchestrator/gates.js';
import { approvalsOfRun, type ApprovalRow } from '../agents/orchestrator/approvals-repo.js';
import { getRun, listSteps, type RunRow, type StepRow } from '../agents/orchestrator/runs-repo.js';
import { formatEvent, formatTime } from '../services/events/format.js';
import { queryEvents } from '../services/state/events.js';
import type { StateDb } from '../services/state/db.js';
import { getTicket, ticketEvents } from '../services/state/tickets.js';

export interface DetailSection {
  readonly title: string;
  readonly lines: readonly string[];
}

export interface DetailDoc {
  readonly title: string;
  readonly found: boolean;
  readonly sections: readonly DetailSection[];
}

const STEP_MARK: Record<StepRow['status'], string> = {
  running: '▶',
  waiting: '⏸',
  done: '✓',
  failed: '✗',
  compensated: '↺',
  compensation_failed: '✗↺',
};

function phaseLines(steps: readonly StepRow[]): string[] {
  const lines: string[] = [];
  for (const phase of PHASES) {
    const inPhase = steps.filter((s) => s.phase === phase);
    if (inPhase.length === 0) {
      lines.push(`  ${phase.padEnd(10)} ·`);
      continue;
    }
    const finished = inPhase.every((s) => s.status === 'done');
    const gate = finished ? checkGate(phase as Phase, inPhase.map((s) => s.output)) : null;
    const gateText = !finished ? 'gate: open' : gate ? `gate: FAILED (${gate})` : 'gate: passed';
    lines.push(`  ${phase.padEnd(10)} ${gateText}`);
    for (const s of inPhase) {
      const extra = [s.instance ?? s.agent, s.attempts > 1 ? `${s.attempts} attempts` : '', s.waitingFor ? `waits: ${s.waitingFor}` : '', s.error ?? '']
        .filter(Boolean)
        .join(' · ');
      lines.push(`    ${STEP_MARK[s.status] ?? '?'} ${s.name}  ${extra}`);
    }
  }
  return lines;
}

function approvalLines(approvals: readonly ApprovalRow[]): string[] {
  return approvals.map(
    (a) =>
      `  ${a.status === 'pending' ? '⚑' : a.status === 'approved' ? '✓' : '✗'} ${a.id} ${a.status} → ${a.target}: ${a.summary}${a.confirmText ? ` (type ${a.confirmText} to confirm)` : ''}${a.resolvedBy ? ` by ${a.resolvedBy}` : ''}${a.reason ? ` (${a.reason})` : ''}`,
  );
}

function runSections(state: StateDb, run: RunRow): DetailSection[] {
  const head = [
    `  ${run.line}`,
    `  status ${run.status}${run.phase ? ` · phase ${run.phase}` : ''} · agent ${run.agent} · by ${run.initiator}`,
    `  started ${run.createdAt}${run.finishedAt ? ` · finished ${run.finishedAt}` : ''}`,
  ];
  if (run.result?.message) head.push(`  result: ${run.result.message}`);
  if (run.error) head.push(`  error: ${run.error}`);
  if (run.recovery) head.push(...run.recovery.actions.map((a) => `  recovery: ${a}`));
  const approvals = approvalsOfRun(state, run.id);
  const sections: DetailSection[] = [
    { title: `Run ${run.id}`, lines: head },
    { title: 'Phases, steps and gates', lines: phaseLines(listSteps(state, run.id)) },
  ];
  if (approvals.length) sections.push({ title: 'Approvals', lines: approvalLines(approvals) });
  return sections;
}

function eventLines(state: StateDb, q: { runId?: string; ticketId?: string }): string[] {
  const events = q.runId
    ? queryEvents(state, { runId: q.runId, limit: 30 })
    : queryEvents(state, { ticketId: q.ticketId ?? '', kinds: ['log', 'output'], limit: 30 });
  return events.map((e) => `  ${formatTime(e.ts)} ${formatEvent(e)}`);
}

export function readRunDetail(state: StateDb, runId: string): DetailDoc {
  const run = getRun(state, runId);
  if (!run) return { title: `Run ${runId}`, found: false, sections: [{ title: 'Not found', lines: [`  no run ${runId} in the state db`] }] };
  const sections = runSections(state, run);
  const logs = eventLines(state, { runId });
  if (logs.length) sections.push({ title: 'Last log lines', lines: logs });
  return { title: `Run ${runId}${run.ticketId ? ` · ${run.ticketId}` : ''}`, found: true, sections };
}

export function readTicketDetail(state: StateDb, ticketId: string): DetailDoc {
  const ticket = getTicket(state, ticketId);
  if (!ticket) return { title: ticketId, found: false, sections: [{ title: 'Not found', lines: [`  no ticket ${ticketId} in the state db`] }] };
  const sections: DetailSection[] = [
    {
      title: `${ticket.ref ? `${ticket.ref} · ` : ''}${ticket.id} · ${ticket.kind} · ${ticket.priority} · ${ticket.status}`,
      lines: [
        `  ${ticket.title}`,
        ...(ticket.description && ticket.description !== ticket.title ? [`  ${ticket.description}`] : []),
        `  filed ${ticket.createdAt} by ${ticket.createdBy}${ticket.ref ? ` under ${ticket.ref}` : ''}`,
      ],
    },
    {
      title: 'Lifecycle',
      lines: ticketEvents(state, ticket.id).map((e) => `  ${e.at}  ${e.status}${e.runId ? `  (${e.runId})` : ''}${e.note ? `  ${e.note}` : ''}`),
    },
  ];
  const runIds = (state.db.prepare('SELECT id FROM runs WHERE ticket_id = ? ORDER BY created_at DESC LIMIT 5').all(ticket.id) as { id: string }[]).map((r) => r.id);
  for (const id of runIds) {
    const run = getRun(state, id);
    if (run) sections.push(...runSections(state, run));
  }
  const logs = eventLines(state, { ticketId: ticket.id });
  if (logs.length) sections.push({ title: 'Last log lines', lines: logs });
  return { title: ticket.id, found: true, sections };
}
