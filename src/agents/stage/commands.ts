// StageAgent's commands: review, deploy, rollback, the emergency paths and targeted test runs.
import { deploy, discard, review, rollback } from '../../commands/defs/deploy.js';
import { testFeature as testFeatureSpec } from '../../commands/defs/bugs.js';
import { emergencyDeployHotfix, emergencyRollbackLastDeployment } from '../../commands/defs/emergency.js';
import { handle, incomplete, type HandlerTable } from '../types.js';
import { dryRunStaged } from '../migrator/commands.js';
import { deployTicket } from './deploy.js';
import { reviewTicket } from './review.js';
import { emergencyRollback, rollbackTicket } from './rollback.js';
import { testFeature } from './test-feature.js';
import { removeStaged, requireStaged, resolveTicket, unsavedWork } from './worktrees.js';
import { describeLeftovers, findLeftovers } from './leftovers.js';
import { relative } from 'node:path';
import { runStagedTests } from './deploy.js';
import { summarizeTests } from '../../services/exec/test-runner.js';

export const handlers: HandlerTable = Object.fromEntries([
  handle(review, (ctx, args) => reviewTicket(ctx, args.id)),
  handle(deploy, async (ctx, args) => {
    const ticketId = resolveTicket(ctx, args.ticket, `deploy ${args.env}`);
    if (args.dryRun) {
      const staged = requireStaged(ctx, ticketId);
      const tests = await runStagedTests(ctx, staged);
      // The worktree's migrations that the target lacks, applied on a copy of it.
      const migrations = await dryRunStaged(ctx, staged);
      const message = `dry run: ${ticketId} would deploy to ${args.env} (tests: ${summarizeTests(tests)}; migrations: ${migrations.message}); nothing changed`;
      const data = { ticketId, env: args.env, tests, migrations: migrations.data };
      if (migrations.error?.code === 'db_unreachable') return incomplete(message, [{ check: 'migrations dry run', why: migrations.message }], data, migrations.lines);
      const passed = tests.ok && migrations.ok;
      return { ok: passed, status: passed ? 'done' : 'failed', message, data, ...(migrations.lines ? { lines: migrations.lines } : {}) };
    }
    return deployTicket(ctx, ticketId, args.env);
  }),
  handle(rollback, (ctx, args) => rollbackTicket(ctx, args.id, args.dryRun)),
  handle(emergencyRollbackLastDeployment, (ctx, args) => emergencyRollback(ctx, args.dryRun)),
  handle(emergencyDeployHotfix, (ctx, args) => {
    const ticketId = resolveTicket(ctx, args.ticket, 'emergency deploy hotfix');
    return deployTicket(ctx, ticketId, 'production', { hotfix: true });
  }),
  handle(testFeatureSpec, (ctx, args) => testFeature(ctx, args.feature)),
  handle(discard, async (ctx, args) => {
    const staged = requireStaged(ctx, args.id);
    const leftovers = await findLeftovers(staged.path);
    const unsaved = await unsavedWork(ctx.root, staged, leftovers);
    if (unsaved) {
      // The approval binds to what would be deleted: a new env file after it was given asks again.
      await ctx.requireApproval({
        tool: 'discard',
        args: { ticket: args.id, path: staged.path, secrets: leftovers.secrets },
        target: 'local',
        summary: `Archive and remove ${args.id}'s worktree, which has ${unsaved}`,
        confirmText: args.id,
      });
    }
    const removed = await ctx.step('EXECUTE', `remove worktree ${args.id}`, () => removeStaged(ctx, args.id, unsaved !== null));
    const note = [
      removed.archive ? `archived to ${relative(ctx.root, removed.archive)}` : null,
      ...(removed.leftovers ? describeLeftovers(removed.leftovers) : []),
    ].filter((s): s is string => s !== null);
    const tail = note.length > 0 ? `; ${note.join('; ')}` : '';
    ctx.as('stage').log('success', `Removed ${args.id}'s staged worktree${tail}`);
    return { ok: true, status: 'done', message: `removed ${args.id}'s staged worktree (branch ${staged.branch} kept)${tail}`, data: removed };
  }),
]);
