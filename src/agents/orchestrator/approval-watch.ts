// Pending approvals expire after the configured time (`approvals.ttlMinutes`); a reminder event
// goes out once before that (when a fifth of the time is left). The run of an expired approval
// ends failed; `resume <run>` asks again.
import type { AgentKind } from '../../commands/types.js';
import { approvalHint } from '../../commands/defs/runs.js';
import type { ApprovalRow } from './approvals-repo.js';
import { approvalData, listApprovals, markReminded, resolveApproval } from './approvals-repo.js';
import type { EngineInternals } from './internals.js';
import { getRun, transitionRun, updateRun } from './runs-repo.js';

export const REMINDER_FRACTION = 0.2;

export interface ApprovalWatcher {
  check(): void;
  stop(): void;
}

/** The agent whose run waits on the approval (the orchestrator's when it has no run). */
function agentOf(engine: EngineInternals, a: ApprovalRow): AgentKind {
  return (a.runId ? getRun(engine.state, a.runId)?.agent : undefined) ?? 'orchestrator';
}

export function checkApprovals(engine: EngineInternals, now = Date.now()): void {
  for (const a of listApprovals(engine.state, 'pending')) {
    if (a.expiresAt === null) continue;
    const expires = Date.parse(a.expiresAt);
    if (expires <= now) {
      const agent = agentOf(engine, a);
      if (!resolveApproval(engine.state, a.id, 'expired', 'system', 'not approved in time')) continue;
      engine.audit({ initiator: 'system', agent, action: `expire approval ${a.id}`, target: a.target, runId: a.runId ?? undefined, approvalId: a.id, result: 'expired' });
      const again = a.runId ? `; \`resume ${a.runId}\` asks again` : '';
      engine.bus.emit({ agent, runId: a.runId ?? undefined, ticketId: a.ticketId ?? undefined, kind: 'approval', level: 'warn', message: `Approval ${a.id} expired: ${a.summary}${again}`, data: { ...approvalData(a, 'expired') } });
      if (a.runId && transitionRun(engine.state, a.runId, ['waiting_approval'], 'failed')) {
        updateRun(engine.state, a.runId, { error: `approval ${a.id} expired`, finished: true });
      }
      continue;
    }
    const requested = Date.parse(a.requestedAt);
    const remindAt = expires - (expires - requested) * REMINDER_FRACTION;
    if (a.remindedAt === null && now >= remindAt) {
      const agent = agentOf(engine, a);
      if (!markReminded(engine.state, a.id)) continue;
      const minutes = Math.max(1, Math.round((expires - now) / 60_000));
      engine.bus.emit({ agent, runId: a.runId ?? undefined, ticketId: a.ticketId ?? undefined, kind: 'approval', level: 'warn', message: `Reminder: approval ${a.id} expires in ${minutes} min: ${a.summary} (${approvalHint(a.id, a.confirmText)})`, data: { ...approvalData(a, 'pending'), reminder: true } });
    }
  }
}

export function watchApprovals(engine: EngineInternals, everyMs: number): ApprovalWatcher {
  const check = (): void => {
    try {
      if (engine.state.db.isOpen) checkApprovals(engine);
    } catch {
      // A busy or closing db: the next tick tries again.
    }
  };
  const timer = everyMs > 0 ? setInterval(check, everyMs) : null;
  timer?.unref();
  return { check, stop: () => timer && clearInterval(timer) };
}
