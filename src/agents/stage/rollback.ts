// Rolling back deployments: the migration rollbacks, a revert of the merge on the deploy branch,
// the deploy commands again (so what runs matches the branch), and for emergencies an incident
// report under `.agentdeck/incidents/`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CommandError, type CommandContext, type CommandResult } from '../types.js';
import { appendAudit } from '../../services/state/audit.js';
import { finishDeployment, liveDeployments, type Deployment } from './deployments.js';
import { onceOnBranch, runDeployCommands, STAGING_BRANCH } from './deploy.js';
import { INCIDENTS_DIR, stamp } from './layout.js';
import { revertMerge, worktreeOf } from './merge.js';
import { rollbackMigrations, type MigrationRollback } from './migrations.js';
import { deploymentEvent } from './output.js';
import { withState } from './state.js';

export interface RollbackOutcome {
  readonly deployment: Deployment;
  readonly revertSha: string;
  readonly migrations: readonly MigrationRollback[];
}

/** Rolls back one live deployment. */
export async function rollbackDeployment(ctx: CommandContext, deployment: Deployment, reason: string, emergency = false): Promise<RollbackOutcome> {
  if (!deployment.mergeSha) throw new CommandError('no_merge', `${deployment.id} has no merge commit to revert`);
  const stage = ctx.as('stage');
  const target = deployment.data.envBranch ?? (deployment.env === 'staging' ? STAGING_BRANCH : null);
  if (!target) throw new CommandError('no_branch', `${deployment.id} does not record the branch it was merged into`);
  // The revert and the deploy commands after it: one deploy or rollback of this environment at a time.
  await ctx.hold([`deploy:${deployment.env}`]);
  const dir = await worktreeOf(ctx.root, target, deployment.mergeSha);
  const migrations = await ctx.step('EXECUTE', `roll back migrations of ${deployment.id}`, () =>
    rollbackMigrations(ctx, dir, deployment.data.migrations ?? [], { emergency }),
  );
  const reverted = await ctx.step('EXECUTE', `revert ${deployment.id}`, (step) =>
    onceOnBranch(ctx.root, target, step, async () => dir, (message) =>
      revertMerge(ctx.root, target, deployment.mergeSha as string, message(`Roll back ${deployment.id} (${deployment.ticketId ?? 'no ticket'}): ${reason}`), {
        signal: ctx.signal,
      }, dir),
    ),
    { locks: [`deploy:${deployment.env}`] },
  );
  let restoreRevert: string | null = null;
  if (deployment.data.restoreSha) {
    const undone = await ctx.step('EXECUTE', `revert restore of ${deployment.id}`, (step) =>
      onceOnBranch(ctx.root, target, step, async () => dir, (message) =>
        revertMerge(ctx.root, target, deployment.data.restoreSha as string, message(`Roll back ${deployment.id} (${deployment.ticketId ?? 'no ticket'}): redo the earlier rollback`), { signal: ctx.signal }, dir),
      ),
    );
    restoreRevert = undone.mergeSha;
  }
  const revertSha = restoreRevert ?? reverted.mergeSha;
  ctx.as('codesmith').log('success', `Restored previous code version on ${target} (${revertSha.slice(0, 12)})`);
  await runDeployCommands(ctx, deployment.env, reverted.worktree, {
    AGENTDECK_TICKET: deployment.ticketId ?? '',
    AGENTDECK_DEPLOYMENT: deployment.id,
    AGENTDECK_COMMIT: revertSha,
    AGENTDECK_ROLLBACK: '1',
  });
  // One step: the row, its audit entry and the announcement happen once, also across a resume.
  const row = await ctx.step('EXECUTE', `record rollback of ${deployment.id}`, async () => {
    const updated = withState(ctx, (state) => {
      const finished = finishDeployment(state, deployment.id, {
        status: 'rolled_back',
        data: { rollback: { revertSha: revertSha, reason, migrations, by: ctx.initiator } },
        runId: ctx.runId,
      });
      appendAudit(state, {
        initiator: ctx.initiator,
        agent: 'stage',
        action: 'rollback',
        target: deployment.ticketId ?? deployment.id,
        ...(ctx.runId ? { runId: ctx.runId } : {}),
        result: 'rolled_back',
        data: { deploymentId: deployment.id, env: deployment.env, revertSha: revertSha, reason },
      }, state.redact);
      return finished;
    });
    deploymentEvent(stage, 'success', `Rolled back ${deployment.id} (${deployment.ticketId ?? 'no ticket'}) on ${deployment.env}`, {
      deployment: { id: deployment.id, env: deployment.env, ticketId: deployment.ticketId, status: 'rolled_back', revertSha: revertSha },
    });
    return updated;
  }, { nothingToUndo: true });
  return { deployment: row, revertSha: revertSha, migrations };
}

/** `rollback <ticket>`: every live deployment of the ticket, newest first. */
export async function rollbackTicket(ctx: CommandContext, ticketId: string, dryRun = false): Promise<CommandResult> {
  // Recorded, so a resumed rollback keeps the list its finished part already took off the live ones.
  const live = dryRun
    ? withState(ctx, (state) => liveDeployments(state, { ticketId }))
    : await ctx.step('PLAN', `find the live deployments of ${ticketId}`, async () => withState(ctx, (state) => liveDeployments(state, { ticketId })));
  if (live.length === 0) {
    return {
      ok: false,
      status: 'failed',
      message: `${ticketId} has no live deployment to roll back`,
      error: { code: 'nothing_to_roll_back', message: `${ticketId} has no live deployment` },
    };
  }
  if (dryRun) {
    return {
      ok: true,
      status: 'done',
      message: `would roll back ${live.map((d) => `${d.id} (${d.env})`).join(', ')}`,
      data: { deployments: live },
    };
  }
  const outcomes: RollbackOutcome[] = [];
  for (const d of live) outcomes.push(await rollbackDeployment(ctx, d, `rollback ${ticketId}`));
  ctx.as('stage').log('success', `${ticketId} rolled back (${outcomes.map((o) => `${o.deployment.id} on ${o.deployment.env}`).join(', ')})`);
  return {
    ok: true,
    status: 'done',
    message: `${ticketId} rolled back: ${outcomes.map((o) => `${o.deployment.id} (${o.deployment.env}) reverted by ${o.revertSha.slice(0, 12)}`).join(', ')}`,
    data: { rollbacks: outcomes },
    lines: outcomes.flatMap((o) => o.migrations.map((m) => `  ${m.status === 'rolled_back' ? '✓' : m.status === 'failed' ? '✗' : '⚠'} ${m.migration}: ${m.detail}`)),
  };
}

export interface IncidentReport {
  readonly path: string;
  readonly relativePath: string;
  readonly subject: string;
  readonly text: string;
}

export function incidentReport(root: string, outcome: RollbackOutcome, seconds: number, initiator: string, now: Date = new Date()): IncidentReport {
  const d = outcome.deployment;
  const subject = `Incident: emergency rollback of ${d.id} (${d.ticketId ?? 'no ticket'}, ${d.env})`;
  const lines = [
    `# ${subject}`,
    '',
    `- When: ${now.toISOString()}`,
    `- Initiated by: ${initiator}`,
    `- Deployment: ${d.id} of ${d.ticketId ?? 'no ticket'} to ${d.env}, deployed ${d.createdAt}`,
    `- Deployed commit: ${d.commitSha ?? 'unknown'} (merge ${d.mergeSha ?? 'unknown'} on ${d.data.envBranch ?? d.env})`,
    `- Reverted by: ${outcome.revertSha}`,
    `- Duration: ${seconds.toFixed(1)} s`,
    '',
    '## Database',
    '',
    ...(outcome.migrations.length === 0
      ? ['No migrations were part of this deployment.']
      : outcome.migrations.map((m) => `- ${m.migration}: ${m.status} (${m.detail})`)),
    '',
    '## Next steps',
    '',
    `- Find the cause: \`analyze ticket ${d.ticketId ?? '<ticket>'}\``,
    '- Redeploy once fixed: `deploy ' + d.env + (d.ticketId ? ` --ticket ${d.ticketId}` : '') + '`',
    '',
  ];
  const dir = join(root, INCIDENTS_DIR);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${stamp(now)}_${d.id}.md`);
  const text = lines.join('\n');
  writeFileSync(path, text);
  return { path, relativePath: relative(root, path), subject, text };
}

/** `emergency rollback last deployment`: the newest live deployment, with an incident report. */
export async function emergencyRollback(ctx: CommandContext, dryRun = false): Promise<CommandResult> {
  const started = Date.now();
  const orchestrator = ctx.as('orchestrator');
  orchestrator.log('warn', 'Emergency rollback initiated');
  const newest = (): Deployment | null => withState(ctx, (state) => liveDeployments(state)[0] ?? null);
  // Recorded, so a resumed rollback goes on with the same deployment (no longer live by then).
  const last = dryRun ? newest() : await ctx.step('PLAN', 'find the last deployment', async () => newest());
  if (!last) {
    return {
      ok: false,
      status: 'failed',
      message: 'no live deployment to roll back',
      error: { code: 'nothing_to_roll_back', message: 'no live deployment' },
    };
  }
  orchestrator.log('success', `Identified last deployment: ${last.id} (${last.ticketId ?? 'no ticket'} on ${last.env})`);
  if (dryRun) return { ok: true, status: 'done', message: `would roll back ${last.id} (${last.env})`, data: { deployment: last } };
  const outcome = await rollbackDeployment(ctx, last, 'emergency rollback', true);
  const seconds = (Date.now() - started) / 1000;
  orchestrator.log('success', `Rollback complete in ${seconds.toFixed(1)} seconds`);
  // A step: a resumed rollback neither writes nor announces (emails) a second report.
  const report = await ctx.step('VERIFY', 'write the incident report', async () => {
    const written = incidentReport(ctx.root, outcome, seconds, ctx.initiator);
    orchestrator.log('success', `Incident report generated: ${written.relativePath}`, { incident: { path: written.path, subject: written.subject } });
    return written;
  });
  return {
    ok: true,
    status: 'done',
    message: `rolled back ${last.id} (${last.ticketId ?? 'no ticket'}, ${last.env}) in ${seconds.toFixed(1)} s; incident report ${report.relativePath}`,
    data: { rollback: outcome, seconds, incident: report },
  };
}
