// The orchestrator's controls over work in flight: approve / reject an action, resume / cancel a
// run, restart or stop every agent, reload their config, purge old log events.
import { agentsPurgeLogs, agentsRestartAll, agentsUpdateConfig } from '../../commands/defs/agents.js';
import { ENVIRONMENTS } from '../../commands/defs/deploy.js';
import { emergencyStopAll } from '../../commands/defs/emergency.js';
import { ANY_DEPLOYMENT, approve, approveLine, cancel, reject, resume } from '../../commands/defs/runs.js';
import { purgeEvents } from '../../services/state/events.js';
import { TICKET_ID } from '../../services/state/tickets.js';
import type { CommandContext, CommandResult, HandlerTable } from '../types.js';
import { fail, handle, ok } from '../types.js';
import { approvalData, getApproval, listApprovals, pendingOfTicket, resolveApproval, type ApprovalRow } from './approvals-repo.js';
import { applyAgentSettings, applySettingsPlan, planAgentSettings } from './agent-settings.js';
import { confirmGuards, confirmedGuards } from './confirmed-guards.js';
import { describeChanges, effectiveGuards, guardsOf, ignoredPolicyKeys, loweredGuards } from '../../services/config/guards.js';
import { CONFIG_FILE } from '../../services/config/schema.js';
import { describeConfigDiff, mergeChanges } from '../../services/config/diff.js';
import { createHash } from 'node:crypto';
import { engineOf, type EngineInternals } from './internals.js';
import { isPerson } from './policy.js';
import { ACTIVE_STATUSES, getRun, listRuns } from './runs-repo.js';

function findApproval(engine: EngineInternals, id: string): ApprovalRow | null {
  return getApproval(engine.state, id) ?? (TICKET_ID.test(id) || /-/.test(id) ? pendingOfTicket(engine.state, id) : null);
}

function notFound(engine: EngineInternals, id: string): CommandResult {
  const pending = listApprovals(engine.state, 'pending').map((a) => a.id);
  return fail('not_found', `no pending approval ${id}${pending.length ? ` (pending: ${pending.slice(0, 5).join(', ')})` : ' (nothing is waiting for approval)'}`);
}

function announce(ctx: CommandContext, a: ApprovalRow, status: string, message: string): void {
  engineOf(ctx).bus.emit({
    agent: 'orchestrator',
    runId: a.runId ?? undefined,
    ticketId: a.ticketId ?? undefined,
    kind: 'approval',
    level: status === 'approved' ? 'success' : 'warn',
    message,
    data: { ...approvalData(a, status) },
  });
}

/** A pending approval that is still valid, or the line saying why not. */
function usable(engine: EngineInternals, a: ApprovalRow): string | null {
  if (a.status !== 'pending') return `${a.id} is already ${a.status}${a.resolvedBy ? ` (by ${a.resolvedBy})` : ''}`;
  if (a.expiresAt && Date.parse(a.expiresAt) <= Date.now()) {
    resolveApproval(engine.state, a.id, 'expired', 'system', 'not approved in time');
    return `${a.id} expired at ${a.expiresAt}${a.runId ? `: \`resume ${a.runId}\` asks again` : ''}`;
  }
  return null;
}

/**
 * Approvals are decided by a person at a terminal (see `isPerson`): refused, with the line that
 * works, for anyone else (MCP, `run` without a terminal, a model's tool, free text they routed).
 */
function notAPerson(ctx: CommandContext, a: ApprovalRow, verb: 'approve' | 'reject'): CommandResult | null {
  if (isPerson(ctx.initiator)) return null;
  const engine = engineOf(ctx);
  engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: `${verb} ${a.id}`, target: a.target, runId: a.runId ?? undefined, approvalId: a.id, result: 'refused: not a person at a terminal' });
  const line = verb === 'approve' ? approveLine(a.id, a.confirmText) : `reject ${a.id}`;
  return fail(
    'human_only',
    `${a.id} was not ${verb === 'approve' ? 'approved' : 'rejected'}: approvals are decided by a person, in the agentdeck console or with \`agentdeck run "${line}"\` typed at an interactive terminal (not over MCP, from a script or by a model's tool)`,
  );
}

/** After a decision, the waiting run continues here (it ends done, or cancelled when rejected). */
async function continueRun(ctx: CommandContext, a: ApprovalRow, verb: string): Promise<CommandResult> {
  const engine = engineOf(ctx);
  const run = a.runId ? getRun(engine.state, a.runId) : null;
  if (!run || run.status !== 'waiting_approval') return ok(`${verb} ${a.id}: ${a.summary}`, { approval: a.id });
  const result = await engine.resume(run.id, { initiator: ctx.initiator, signal: ctx.signal });
  return { ...result, message: `${verb} ${a.id}; ${result.message}`, approvalId: result.approvalId ?? a.id, runId: run.id };
}

export const handlers: HandlerTable = Object.fromEntries([
  handle(approve, async (ctx, args) => {
    const engine = engineOf(ctx);
    const a = findApproval(engine, args.id);
    if (!a) {
      // `approve BUG-2026-001 deploy to staging` with nothing pending: deploy it there
      // ("approve deployment for <ticket>": to staging, as the user's plan shows).
      const env = args.target === ANY_DEPLOYMENT ? 'staging' : args.target;
      if (env && TICKET_ID.test(args.id)) return engine.dispatch(`deploy ${env} --ticket ${args.id}`, { initiator: ctx.initiator, signal: ctx.signal });
      return notFound(engine, args.id);
    }
    const why = usable(engine, a);
    if (why) return fail('not_pending', why);
    const refused = notAPerson(ctx, a, 'approve');
    if (refused) return refused;
    if (args.target === ANY_DEPLOYMENT) {
      if (!(ENVIRONMENTS as readonly string[]).includes(a.target)) return fail('target_mismatch', `${a.id} is not a deploy (${a.summary}): approve it with "approve ${a.id}"`);
    } else if (args.target) {
      if (!(ENVIRONMENTS as readonly string[]).includes(a.target))
        return fail('target_mismatch', `${a.id} is not a deploy (${a.summary}): approve it without "deploy to ${args.target}"`);
      if (a.target !== args.target)
        return fail('target_mismatch', `${a.id} approves a deploy to ${a.target}, not ${args.target}: nothing was approved`);
    }
    if (a.confirmText) {
      const typed = args.confirm ?? (args.id.toUpperCase() === a.confirmText.toUpperCase() ? args.id : undefined);
      if (!typed || typed.toUpperCase() !== a.confirmText.toUpperCase())
        return fail('confirm', `${a.id} needs a typed confirmation: \`${approveLine(a.id, a.confirmText)}\``);
    }
    if (!resolveApproval(engine.state, a.id, 'approved', ctx.initiator)) return fail('not_pending', `${a.id} was decided meanwhile`);
    engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: `approve ${a.id}`, target: a.target, runId: a.runId ?? undefined, approvalId: a.id, result: 'approved', data: { tool: a.tool, hash: a.actionHash } });
    announce(ctx, a, 'approved', `Approved ${a.id}: ${a.summary}`);
    return continueRun(ctx, a, 'Approved');
  }),

  handle(reject, async (ctx, args) => {
    const engine = engineOf(ctx);
    const a = findApproval(engine, args.id);
    if (!a) return notFound(engine, args.id);
    const why = usable(engine, a);
    if (why) return fail('not_pending', why);
    const refused = notAPerson(ctx, a, 'reject');
    if (refused) return refused;
    if (!resolveApproval(engine.state, a.id, 'rejected', ctx.initiator, args.reason)) return fail('not_pending', `${a.id} was decided meanwhile`);
    engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: `reject ${a.id}`, target: a.target, runId: a.runId ?? undefined, approvalId: a.id, result: `rejected${args.reason ? `: ${args.reason}` : ''}` });
    announce(ctx, a, 'rejected', `Rejected ${a.id}: ${a.summary}`);
    const result = await continueRun(ctx, a, 'Rejected');
    // The run ending cancelled is what a rejection means: report the rejection as done.
    return result.error?.code === 'rejected' ? { ...result, ok: true, status: 'done', error: undefined } : result;
  }),

  handle(resume, (ctx, args) => engineOf(ctx).resume(args.run, { initiator: ctx.initiator, signal: ctx.signal })),

  handle(cancel, (ctx, args) => {
    const engine = engineOf(ctx);
    const run = getRun(engine.state, args.run);
    if (!run) return Promise.resolve(fail('not_found', `no run ${args.run} (see \`status\` for recent runs)`));
    if (run.id === ctx.runId) return Promise.resolve(fail('usage', 'a run cannot cancel itself'));
    const how = engine.stop(run.id, 'cancelled', `${run.id} was cancelled by ${ctx.initiator}`);
    engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: `cancel ${run.id}`, runId: run.id, result: how });
    if (how === 'not_active') return Promise.resolve(fail('not_active', `${run.id} is ${run.status}: nothing to cancel`));
    return Promise.resolve(ok(how === 'stopping' ? `Cancelling ${run.id} at its next safe point` : `Cancelled ${run.id}`, { run: run.id, how }));
  }),

  handle(emergencyStopAll, (ctx) => {
    const engine = engineOf(ctx);
    const runs = listRuns(engine.state, { statuses: [...ACTIVE_STATUSES, 'waiting_approval'], limit: 10_000 }).filter((r) => r.id !== ctx.runId);
    const outcomes = runs.map((r) => engine.stop(r.id, 'cancelled', `${r.id} was cancelled by emergency stop`));
    const n = outcomes.filter((o) => o !== 'not_active').length;
    engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: 'emergency stop all', result: `${n} run(s) cancelled`, data: { runs: runs.map((r) => r.id) } });
    ctx.log('warn', `Emergency stop: ${n} run(s) cancelled at a safe point`);
    return Promise.resolve(ok(`Stopped everything: ${n} run(s) cancelled at a safe point`, { runs: runs.map((r) => r.id) }));
  }),

  handle(agentsRestartAll, (ctx) => {
    const engine = engineOf(ctx);
    const runs = listRuns(engine.state, { statuses: ACTIVE_STATUSES, limit: 10_000 }).filter((r) => r.id !== ctx.runId);
    for (const r of runs) engine.stop(r.id, 'interrupted', `${r.id} was interrupted by an agents restart`);
    engine.pool.reset();
    const reloaded = applyAgentSettings(engine, undefined);
    engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: 'agents restart all', result: `${runs.length} run(s) interrupted` });
    const resumeHint = runs.length ? ` (\`resume <run>\` continues them: ${runs.map((r) => r.id).join(', ')})` : '';
    return Promise.resolve(ok(`Restarted agents: ${runs.length} run(s) interrupted at a safe point${resumeHint}; ${reloaded.message}`, { runs: runs.map((r) => r.id) }));
  }),

  handle(agentsUpdateConfig, async (ctx, args) => {
    const engine = engineOf(ctx);
    const plan = planAgentSettings(engine, args.settings);
    if (!plan.ok) return fail('config', plan.message);
    const ignored = Object.keys(args.settings ?? {}).filter((k) => ignoredPolicyKeys(plan.config.approvals.policy).some((p) => k === `approvals.policy.${p.toLowerCase()}`));
    if (ignored[0]) return fail('config', `${ignored[0]}=${args.settings?.[ignored[0]] ?? 'false'}: cannot be turned off: production deploys, hotfixes and emergency access always ask a person`);
    // A change that lowers a guard (against what a person last confirmed, not the file, which may
    // have been edited by hand) is a gated action of its own: typed confirmation, bound to the
    // file's content, decided by a person only.
    const next = guardsOf(plan.config);
    const lowered = loweredGuards(confirmedGuards(engine.state) ?? next, next);
    // What changes, key by key: a lowered guard from its value in force (the file may already hold
    // the new one, edited by hand), every other key from the file as it is.
    // Redacted: a deploy command may carry a connection URL with its password.
    const diff = describeConfigDiff(mergeChanges(lowered, plan.changes)).map(engine.bus.redact);
    if (lowered.length > 0) {
      await ctx.requireApproval({
        tool: agentsUpdateConfig.id,
        args: { settings: args.settings ?? {} },
        target: 'config',
        summary: `Lower guards in ${CONFIG_FILE}: ${describeChanges(lowered)}`,
        confirmText: plan.config.name,
        bind: { config: createHash('sha256').update(plan.fileText).digest('hex'), lowers: describeChanges(lowered) },
        detail: diff,
      });
    }
    const outcome = await ctx.step('EXECUTE', 'Update agent config', () => {
      if (lowered.length > 0) confirmGuards(engine.state, effectiveGuards(next, next));
      return Promise.resolve(applySettingsPlan(engine, plan, Object.keys(args.settings ?? {})));
    });
    engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: 'agents update config', result: outcome.ok ? 'done' : `failed: ${outcome.message}`, data: args.settings });
    return outcome.ok ? { ...ok(outcome.message, outcome.data), ...(diff.length > 0 ? { lines: diff } : {}) } : fail('config', outcome.message);
  }),

  handle(agentsPurgeLogs, async (ctx, args) => {
    const engine = engineOf(ctx);
    const days = args.olderThan;
    engine.bus.flush();
    const removed = await ctx.step('EXECUTE', 'Purge old log events', () => Promise.resolve(purgeEvents(engine.state, Date.now() - days * 86_400_000)));
    engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: 'agents purge logs', result: `${removed} event(s) removed`, data: { olderThanDays: days } });
    return ok(`Purged ${removed} log event(s) older than ${days} day(s); the audit trail is kept`, { removed, olderThanDays: days });
  }),
]);
