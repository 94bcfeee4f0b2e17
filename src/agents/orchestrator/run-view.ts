// The detail of one run as lines, for `status`, `run` and the dashboard's run pane: its status,
// phase, steps (with what a waiting step waits for), approvals, model session and cost, and the
// recovery plan when it failed part-way.
import type { StateDb } from '../../services/state/db.js';
import { formatCost } from '../runtime/types.js';
import { approvalsOfRun } from './approvals-repo.js';
import { getRun, listSteps } from './runs-repo.js';

const MARK: Record<string, string> = { done: '✓', failed: '✗', running: '…', waiting: '⧗', compensated: '↺', compensation_failed: '✗' };

export function runDetail(state: StateDb, runId: string): string[] | null {
  const run = getRun(state, runId);
  if (!run) return null;
  const lines = [
    `${run.id} ${run.status}${run.phase ? ` (phase ${run.phase})` : ''}: ${run.line}`,
    `  by ${run.initiator}, started ${run.createdAt}${run.finishedAt ? `, ended ${run.finishedAt}` : ''}${run.ticketId ? `, ticket ${run.ticketId}` : ''}`,
  ];
  if (run.result?.message) lines.push(`  result: ${run.result.message}`);
  if (run.sessionId || run.runtime === 'claude') lines.push(`  model session ${run.sessionId ?? 'none'}, cost ${formatCost(run.costUsd)}`);
  for (const s of listSteps(state, run.id)) {
    const waiting = s.waitingFor ? ` (waiting for ${s.waitingFor})` : '';
    const error = s.error ? `: ${s.error}` : '';
    const tries = s.attempts > 1 ? ` after ${s.attempts} attempts` : '';
    lines.push(`  ${MARK[s.status] ?? '·'} ${s.phase.padEnd(10)} ${s.instance ?? s.agent}  ${s.name} [${s.status}${tries}]${waiting}${error}`);
  }
  for (const a of approvalsOfRun(state, run.id)) lines.push(`  approval ${a.id} ${a.status}: ${a.summary}`);
  if (run.recovery) {
    const p = run.recovery;
    lines.push(`  recovery plan (failed at "${p.failedStep}": ${p.error})`);
    if (p.rolledBack.length) lines.push(`    rolled back: ${p.rolledBack.join(', ')}`);
    for (const action of p.actions) lines.push(`    - ${action}`);
  }
  return lines;
}
