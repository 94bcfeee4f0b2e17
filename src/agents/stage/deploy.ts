// Deploying a ticket's staged branch: tests in its worktree, then a merge into the deploy branch
// (`staging`, or the base branch for production) and the configured `deploy.<env>` commands,
// recorded in the deployments table. Production waits for an approval typed as the ticket id.
import { CommandError, type CommandContext, type CommandResult, type StepInfo } from '../types.js';
import { runProcess, describeExit, succeeded } from '../../services/exec/run.js';
import { appEnv, failureLabel, resolveArgv, runTests, summarizeTests, testOutcome, type TestRunResult } from '../../services/exec/test-runner.js';
import { branchExists, commitsAhead, git, gitRaw } from '../../services/git/git.js';
import { appendAudit } from '../../services/state/audit.js';
import { stepCommit, withStepTrailer } from '../../services/git/step-commit.js';
import { loadEnv } from '../../services/config/env.js';
import { MIGRATIONS_DIR } from '../migrator/files.js';
import { deploymentOfStep, deploymentOutcome, finishDeployment, noDeployCommand, insertDeployment, patchDeploymentData, rolledBackDeployments, type DeployEnv } from './deployments.js';
import { mergeBranch, revertMerge, worktreeOf, type MergeOutcome } from './merge.js';
import { deploymentEvent, outputStream } from './output.js';
import { projectConfig, testRunnerFor } from './project.js';
import { policyRequires } from '../orchestrator/policy.js';
import { withState } from './state.js';
import { commitStaged, requireStaged, type Staged } from './worktrees.js';

export const STAGING_BRANCH = 'staging';

export interface DeployOptions {
  /** `emergency deploy hotfix`: no tests (the user's plan says so), audited as such. */
  readonly hotfix?: boolean;
}

/** The branch a deploy to `env` merges into. */
export function envBranch(env: DeployEnv, staged: Pick<Staged, 'base'>): string {
  return env === 'staging' ? STAGING_BRANCH : staged.base;
}

/** Runs the project's test command in the worktree, streaming its output. */
export async function runStagedTests(ctx: CommandContext, staged: Staged): Promise<TestRunResult> {
  const runner = testRunnerFor(ctx, staged.path);
  const stage = ctx.as('stage');
  stage.log('info', `Running tests: ${runner.argv.join(' ')}`, { ticketId: staged.ticketId });
  return runTests(staged.path, runner, { signal: ctx.signal, onLine: outputStream(stage, 'tests') });
}

/**
 * The project's `.env` values for deploy commands (`supabase db push --db-url "$SUPABASE_DB_URL"`);
 * the process environment still wins. SUPABASE_YES (the Supabase CLI's "yes to every hosted
 * change") counts only when set in the shell, never from a file.
 */
function deployEnv(root: string): Record<string, string> {
  const values: Record<string, string> = { ...loadEnv(root, {}).all };
  delete values.SUPABASE_YES;
  return values;
}

/**
 * Runs the configured deploy commands for `env` in `cwd`, each as its own durable step: a resumed
 * run does not run again a command that had finished. A command killed while it ran runs again on
 * resume; it gets `AGENTDECK_STEP_ID` (stable across resumes) to recognise its earlier attempt.
 * Throws on the first failure.
 */
export async function runDeployCommands(
  ctx: CommandContext,
  env: DeployEnv,
  cwd: string,
  vars: Record<string, string>,
): Promise<number> {
  const commands = projectConfig(ctx).deploy[env];
  const stage = ctx.as('stage');
  for (const [i, argv] of commands.entries()) {
    await stage.step('EXECUTE', `deploy.${env} command ${i + 1} of ${commands.length}`, async (step) => {
      const { cmd, args } = resolveArgv(cwd, argv);
      stage.log('info', `$ ${argv.join(' ')}`);
      const result = await runProcess(cmd, args, {
        cwd,
        env: { ...deployEnv(ctx.root), ...definedOnly(process.env), ...appEnv(cwd), AGENTDECK_ENV: env, ...vars, AGENTDECK_STEP_ID: step.id },
        signal: ctx.signal,
        timeoutMs: 900_000,
        onLine: outputStream(stage, `deploy.${env}`),
      });
      if (!succeeded(result)) throw new CommandError('deploy_command_failed', `deploy.${env} failed: ${describeExit(result)}`);
      return { command: i + 1 };
    }, { nothingToUndo: true });
  }
  return commands.length;
}

/**
 * A merge or revert made by a durable step, at most once: when the step's commit is already on
 * `target` (the process was killed after committing, before the step was recorded), that commit
 * is taken instead of committing again.
 */
export async function onceOnBranch(
  root: string,
  target: string,
  step: StepInfo,
  worktree: () => Promise<string>,
  commit: (message: (text: string) => string) => Promise<MergeOutcome>,
): Promise<MergeOutcome> {
  const done = await stepCommit(root, `refs/heads/${target}`, step.id);
  if (done) return { worktree: await worktree(), mergeSha: done };
  return commit((text) => withStepTrailer(text, step.id));
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Migration files the branch adds relative to its base. */
export async function migrationsOf(root: string, from: string, to: string): Promise<string[]> {
  const out = await git(root, ['diff', '--name-only', '--diff-filter=A', `${from}..${to}`, '--', MIGRATIONS_DIR]);
  return out.split('\n').filter((f) => f.endsWith('.sql'));
}

/**
 * Deploys `ticketId` to `env`. Exported for the orchestrator's `approve <id> deploy to staging`.
 * Throws ApprovalPending for production until the typed approval exists.
 */
export async function deployTicket(ctx: CommandContext, ticketId: string, env: DeployEnv, options: DeployOptions = {}): Promise<CommandResult> {
  const stage = ctx.as('stage');
  const staged = requireStaged(ctx, ticketId);
  // Not a recorded step: every pass (a resumed run too) commits what the worktree holds now (nothing
  // when it is clean) and reads the commit, so a change made while an approval waited is found, tested
  // and asked for again instead of shipping under the old approval.
  const head = await commitStaged(staged, `${ticketId}: staged changes`);
  const short = head.slice(0, 12);
  const target = envBranch(env, staged);
  // Recorded, so a resumed deploy keeps its plan after its own merge changed what is ahead.
  const { ahead, restorable } = await ctx.step('PLAN', `plan the deploy of ${ticketId} to ${env}`, async () => ({
    ahead: await commitsAhead(ctx.root, target === STAGING_BRANCH && !(await branchExists(ctx.root, target)) ? staged.base : target, head),
    restorable: await restorableRollback(ctx, ticketId, env, target),
  }));
  if (ahead === 0 && !restorable) {
    return {
      ok: false,
      status: 'failed',
      message: `${ticketId} has nothing to deploy: ${target} already contains ${staged.branch}`,
      error: { code: 'nothing_to_deploy', message: `${ticketId} has nothing to deploy` },
    };
  }

  let testSummary: string | null = null;
  let testsShowed: string | null = null;
  if (options.hotfix) {
    stage.log('warn', `Hotfix: tests skipped for ${ticketId}`);
  } else {
    // Keyed by the commit: a test result belongs to the sha it ran on.
    const tests = await ctx.step('VALIDATE', `tests ${ticketId} at ${short}`, () => runStagedTests(ctx, staged));
    testSummary = summarizeTests(tests);
    testsShowed = testOutcome(tests);
    if (!tests.ok) {
      const names = tests.failures.slice(0, 5).map(failureLabel);
      stage.log('error', `Tests failed: ${testSummary}; not deploying ${ticketId}`, { failures: tests.failures });
      return {
        ok: false,
        status: 'failed',
        message: `tests failed in ${ticketId}'s worktree (${testSummary}): not deployed`,
        lines: names.map((n) => `  ✗ ${n}`),
        data: { tests },
        error: { code: 'tests_failed', message: `tests failed (${testSummary})` },
      };
    }
    stage.log('success', `All tests passing (${testSummary})`);
  }

  if (env === 'production' || policyRequires(ctx, 'stagingDeployment')) {
    // Bound to the commit and what its tests showed (not how long they took): the merge below
    // takes exactly this sha, and asking again for the same one finds the same approval.
    await ctx.requireApproval({
      tool: options.hotfix ? 'emergency deploy hotfix' : 'deploy',
      args: { ticket: ticketId, env },
      target: env,
      summary: `${options.hotfix ? 'Hotfix: deploy (tests skipped)' : 'Deploy'} ${ticketId} to ${env}: merge ${short} (${staged.branch}) into ${target}`,
      confirmText: env === 'production' ? ticketId : undefined,
      bind: { commit: head, tests: testsShowed ?? 'skipped (hotfix)' },
      detail: await diffStat(staged.path, staged.baseSha, head),
      changes: async (previous) => (previous.commit ? [`new changes since ${previous.commit.slice(0, 12)}:`, ...(await diffStat(staged.path, previous.commit, head))] : []),
    });
  }

  // From here to the last deploy command, one deploy to this environment at a time (across
  // processes); other deploys queue.
  await ctx.hold([`deploy:${env}`]);
  const migrations = await migrationsOf(ctx.root, staged.baseSha, head);
  const deployment = await ctx.step('EXECUTE', `record deployment of ${ticketId} to ${env}`, async (step) =>
    withState(ctx, (state) =>
      deploymentOfStep(state, step.id) ??
      insertDeployment(state, {
        ticketId,
        env,
        branch: staged.branch,
        commitSha: head,
        runId: ctx.runId,
        data: { step: step.id, envBranch: target, migrations, ...(options.hotfix ? { hotfix: true, skippedTests: true } : {}), ...(testSummary ? { tests: testSummary } : {}) },
      }),
    ),
    // A failed deploy closes its row as failed below.
    { nothingToUndo: true },
  );
  stage.log('info', `Deploying ${ticketId} to ${env} (${deployment.id})...`, { deploymentId: deployment.id });
  let mergeSha: string | null = null;
  let deployCommands: number;
  let restoreSha: string | null = null;
  try {
    let worktree: string | null = null;
    if (restorable) {
      // Deploying again after a rollback: the branch's commits are already in the target's
      // history, so merging alone would bring nothing back. Revert the rollback first.
      const restored = await ctx.step('EXECUTE', `restore ${ticketId} on ${target}`, (step) =>
        onceOnBranch(ctx.root, target, step, () => worktreeOf(ctx.root, target, restorable.revertSha), (message) =>
          revertMerge(ctx.root, target, restorable.revertSha, message(`Redeploy ${ticketId} to ${env} (${deployment.id}): undo ${restorable.deploymentId}'s rollback`), { signal: ctx.signal }),
        ),
        {
          locks: [`deploy:${env}`],
          compensate: async (out) => {
            await revertMerge(ctx.root, target, out.mergeSha, `Undo failed redeploy ${deployment.id} of ${ticketId}`);
          },
        },
      );
      restoreSha = restored.mergeSha;
      mergeSha = restoreSha;
      worktree = restored.worktree;
      withState(ctx, (state) => patchDeploymentData(state, restorable.deploymentId, { restoredBy: deployment.id }));
      stage.log('success', `Restored ${ticketId} on ${target} (${restoreSha.slice(0, 12)})`);
    }
    if (ahead > 0 || !restorable) {
      const merged = await ctx.step('EXECUTE', `merge ${ticketId} into ${target}`, (step) =>
        onceOnBranch(ctx.root, target, step, () => worktreeOf(ctx.root, target, staged.base), (message) =>
          // The approved commit, never the branch: a commit added to the branch later is not in it.
          mergeBranch(ctx.root, target, head, message(`Deploy ${ticketId} to ${env} (${deployment.id}): ${short}`), staged.base, { signal: ctx.signal }, `${staged.branch} at ${short}`),
        ),
        {
          locks: [`deploy:${env}`],
          // When a later part fails (the deploy commands), the engine undoes the merge, so the
          // branch matches what runs.
          compensate: async (out) => {
            const undone = await revertMerge(ctx.root, target, out.mergeSha, `Undo failed deploy ${deployment.id} of ${ticketId}`);
            // Recorded like a rollback, so deploying the ticket again brings its change back.
            withState(ctx, (state) => finishDeployment(state, deployment.id, { status: 'failed', data: { rollback: { revertSha: undone.mergeSha, reason: 'deploy failed' } } }));
          },
        },
      );
      mergeSha = merged.mergeSha;
      worktree = merged.worktree;
      stage.log('success', `Merged ${short} (${staged.branch}) into ${target} (${mergeSha.slice(0, 12)})`);
    }
    deployCommands = await runDeployCommands(ctx, env, worktree as string, { AGENTDECK_TICKET: ticketId, AGENTDECK_DEPLOYMENT: deployment.id, AGENTDECK_COMMIT: mergeSha ?? '' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    withState(ctx, (state) => {
      finishDeployment(state, deployment.id, { status: 'failed', mergeSha, data: { error: message } });
      appendAudit(state, { initiator: ctx.initiator, agent: 'stage', action: `deploy ${env}`, target: ticketId, ...(ctx.runId ? { runId: ctx.runId } : {}), result: 'failed', data: { deploymentId: deployment.id, error: message } }, state.redact);
    });
    stage.log('error', `Deployment ${deployment.id} failed: ${message}`);
    throw error;
  }
  // "Successful" only when a deploy step ran: without one, only the branch moved, and every line
  // about it (result, ticket lifecycle, status, email) says so.
  const deployed = deployCommands > 0;
  // One step: the row, its audit entry and the announcement happen once, also across a resume.
  const done = await ctx.step('EXECUTE', `finish deployment of ${ticketId} to ${env}`, async () => {
    const row = withState(ctx, (state) => {
      const finished = finishDeployment(state, deployment.id, { status: 'succeeded', mergeSha, data: { deployCommands, ...(restoreSha && restoreSha !== mergeSha ? { restoreSha } : {}) } });
      appendAudit(state, {
        initiator: ctx.initiator,
        agent: 'stage',
        action: options.hotfix ? 'emergency deploy hotfix' : `deploy ${env}`,
        target: ticketId,
        ...(ctx.runId ? { runId: ctx.runId } : {}),
        result: deployed ? 'succeeded' : `merged only: ${noDeployCommand(env)}`,
        data: { deploymentId: deployment.id, mergeSha, envBranch: target, skippedTests: options.hotfix === true, deployCommands },
      });
      return finished;
    });
    deploymentEvent(
      stage,
      deployed ? 'success' : 'warn',
      deployed ? `${env === 'staging' ? 'Staging' : 'Production'} deployment successful: ${deployment.id}` : `${deployment.id}: ${deploymentOutcome(row)}`,
      // `merged`: the dashboard and the email say the branch moved, not that anything was deployed.
      { deployment: { id: deployment.id, env, ticketId, status: deployed ? 'succeeded' : 'merged', mergeSha }, ...(deployed ? {} : { summary: `${ticketId} ${deploymentOutcome(row)}` }) },
    );
    return row;
  }, { nothingToUndo: true });
  const at = (mergeSha ?? '').slice(0, 12);
  const what = deployed ? `deployed to ${env} as ${deployment.id} (${target} at ${at})` : `merged into ${target} at ${at} as ${deployment.id}; ${noDeployCommand(env)}`;
  return {
    ok: true,
    status: 'done',
    message: `${ticketId} ${what}${testSummary ? `; tests: ${testSummary}` : ''}`,
    data: { deployment: done, tests: testSummary, migrations },
  };
}


/** `git diff --stat` of `from..to` in the worktree, as lines (empty when git cannot tell). */
async function diffStat(cwd: string, from: string, to: string): Promise<string[]> {
  const log = await gitRaw(cwd, ['log', '--oneline', '--no-decorate', `${from}..${to}`]);
  const stat = await gitRaw(cwd, ['diff', '--stat', `${from}..${to}`]);
  const lines = [...log.stdout.split('\n'), ...stat.stdout.split('\n')].map((l) => l.trimEnd()).filter(Boolean);
  return lines.slice(0, 40).map((l) => `  ${l}`);
}

/** The newest rollback of this ticket on `target` that a redeploy should undo, if any. */
async function restorableRollback(
  ctx: CommandContext,
  ticketId: string,
  env: DeployEnv,
  target: string,
): Promise<{ deploymentId: string; revertSha: string } | null> {
  const last = withState(ctx, (state) => rolledBackDeployments(state, ticketId, env))[0];
  const revertSha = last?.data.rollback?.revertSha;
  if (!last || typeof revertSha !== 'string' || last.data.restoredBy) return null;
  const reachable = await gitRaw(ctx.root, ['merge-base', '--is-ancestor', revertSha, target]);
  return reachable.code === 0 ? { deploymentId: last.id, revertSha } : null;
}
