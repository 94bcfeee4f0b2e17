// Merging a ticket branch into a deploy branch (and reverting it), without touching any work
// tree but the one the deploy branch is checked out in. When that is the user's own tree (a
// production merge into `main`) it must be clean; the merge itself is what was approved.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CommandError } from '../types.js';
import { branchExists, git, gitRaw, identityEnv, isDirty, listWorktrees, type GitOptions } from '../../services/git/git.js';
import { succeeded } from '../../services/exec/run.js';
import { DEPLOY_WORKTREES_DIR, ensureIgnoreRules } from './layout.js';

/** The work tree where `branch` is checked out, creating one under `.agentdeck/worktrees/`. */
export async function worktreeOf(root: string, branch: string, createFrom: string): Promise<string> {
  if (!(await branchExists(root, branch))) await git(root, ['branch', branch, createFrom]);
  const found = (await listWorktrees(root)).find((w) => w.branch === branch);
  if (found && existsSync(found.path)) return found.path;
  await gitRaw(root, ['worktree', 'prune']);
  const path = join(root, DEPLOY_WORKTREES_DIR, branch.replace(/[^A-Za-z0-9._-]/g, '_'));
  await git(root, ['worktree', 'add', path, branch]);
  return path;
}

async function refuseDirty(root: string, path: string, what: string): Promise<void> {
  // agentdeck's own state (.agentdeck/) and worktrees (staged/) must not count as the user's changes.
  if (path === root) await ensureIgnoreRules(root);
  if (!(await isDirty(path))) return;
  const whose = path === root ? 'your working tree' : `the ${what} worktree (${path})`;
  throw new CommandError('dirty_tree', `${whose} has uncommitted changes: commit or stash them, then run this again`);
}

async function conflictsAndAbort(path: string, op: 'merge' | 'revert'): Promise<string[]> {
  const conflicted = await gitRaw(path, ['diff', '--name-only', '--diff-filter=U']);
  await gitRaw(path, [op, '--abort']);
  return conflicted.stdout.split('\n').filter(Boolean);
}

export interface MergeOutcome {
  readonly worktree: string;
  readonly mergeSha: string;
}

/**
 * `git merge --no-ff <source>` into `target`; a conflict is aborted and reported. `source` may be a
 * commit sha (what a deploy merges: exactly the approved commit); `label` names it in messages.
 */
export async function mergeBranch(
  root: string,
  target: string,
  source: string,
  message: string,
  createFrom: string,
  options: GitOptions = {},
  label: string = source,
): Promise<MergeOutcome> {
  const path = await worktreeOf(root, target, createFrom);
  await refuseDirty(root, path, target);
  const env = await identityEnv(root);
  const result = await gitRaw(path, ['merge', '--no-ff', '--no-edit', '-m', message, source], { ...options, env });
  if (!succeeded(result)) {
    const conflicts = await conflictsAndAbort(path, 'merge');
    const detail = conflicts.length > 0 ? `conflicts in ${conflicts.join(', ')}` : (result.stderr.trim().split('\n').pop() ?? 'merge failed');
    throw new CommandError('merge_failed', `could not merge ${label} into ${target}: ${detail}`);
  }
  return { worktree: path, mergeSha: await git(path, ['rev-parse', 'HEAD']) };
}

/**
 * Reverts a merge commit on `target` (mainline 1); returns the revert commit. `worktree` is where
 * `target` is checked out when the caller already looked it up with worktreeOf.
 */
export async function revertMerge(
  root: string,
  target: string,
  mergeSha: string,
  message: string,
  options: GitOptions = {},
  worktree?: string,
): Promise<MergeOutcome> {
  const path = worktree ?? (await worktreeOf(root, target, mergeSha));
  await refuseDirty(root, path, target);
  const env = await identityEnv(root);
  const parents = (await git(path, ['rev-list', '--parents', '-n', '1', mergeSha])).split(' ').length - 1;
  const revertArgs = parents > 1 ? ['revert', '--no-edit', '-m', '1', mergeSha] : ['revert', '--no-edit', mergeSha];
  const result = await gitRaw(path, revertArgs, { ...options, env });
  if (!succeeded(result)) {
    const conflicts = await conflictsAndAbort(path, 'revert');
    const detail = conflicts.length > 0 ? `conflicts in ${conflicts.join(', ')}` : (result.stderr.trim().split('\n').pop() ?? 'revert failed');
    throw new CommandError('revert_failed', `could not revert ${mergeSha.slice(0, 12)} on ${target}: ${detail}`);
  }
  await git(path, ['commit', '--amend', '--no-edit', '-q', '-m', message], { env });
  return { worktree: path, mergeSha: await git(path, ['rev-parse', 'HEAD']) };
}
