// A model's request to use a tool that needs a human becomes an approval row (bound to the hash
// of the exact tool call) shown in the dashboard; the model waits until it is approved, rejected
// or expired. Approving from another process (`agentdeck run "approve APR-0003"`) works too: the
// row is what is watched.
import { approvalHint } from '../../commands/defs/runs.js';
import type { PermissionDecision, PermissionRequest } from '../runtime/types.js';
import type { CommandContext } from '../types.js';
import { actionHash } from './action-hash.js';
import { approvalData, approvalsOfRun, getApproval, insertApproval, resolveApproval } from './approvals-repo.js';
import { engineOf } from './internals.js';
import { sleep } from '../../services/timers.js';

export async function requestToolApproval(ctx: CommandContext, request: PermissionRequest, pollMs = 50): Promise<PermissionDecision> {
  const engine = engineOf(ctx);
  if (!ctx.runId) return { allow: false, message: `${request.tool} needs an approval, which only a run can wait for` };
  const action = { tool: request.tool, args: request.input, target: 'local', summary: `${ctx.agent} wants to use ${request.tool}${request.reason ? `: ${request.reason}` : ''}` };
  const hash = actionHash(action);
  const prior = approvalsOfRun(engine.state, ctx.runId).find((a) => a.actionHash === hash && a.status === 'approved');
  if (prior) return { allow: true };
  const row = insertApproval(engine.state, { runId: ctx.runId, ticketId: ctx.ticketId, action, requestedBy: ctx.agent, ttlMinutes: engine.ttlMinutes });
  engine.audit({ initiator: ctx.initiator, agent: ctx.agent, action: `request approval ${row.id}`, target: action.target, runId: ctx.runId, approvalId: row.id, result: 'pending', data: { tool: request.tool, hash } });
  engine.bus.emit({
    agent: ctx.agent,
    runId: ctx.runId,
    ticketId: ctx.ticketId ?? undefined,
    kind: 'approval',
    level: 'warn',
    message: `Approval ${row.id} needed: ${row.summary} (${approvalHint(row.id, row.confirmText)})`,
    data: { ...approvalData(row, 'pending') },
  });
  for (;;) {
    const now = getApproval(engine.state, row.id);
    if (!now) return { allow: false, message: `approval ${row.id} disappeared` };
    if (now.status === 'approved') return { allow: true };
    if (now.status === 'rejected') return { allow: false, message: `a human denied ${request.tool}${now.reason ? `: ${now.reason}` : ''}` };
    if (now.status === 'expired' || (now.expiresAt && Date.parse(now.expiresAt) <= Date.now())) {
      resolveApproval(engine.state, row.id, 'expired', 'system', 'not approved in time');
      return { allow: false, message: `approval ${row.id} for ${request.tool} expired` };
    }
    if (ctx.signal.aborted || engine.stopRequested(ctx.runId)) {
      resolveApproval(engine.state, row.id, 'rejected', 'system', 'the run was stopped');
      return { allow: false, message: 'the run was stopped' };
    }
    await sleep(pollMs, ctx.signal);
  }
}
