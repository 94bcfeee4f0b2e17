// Thin, typed wrappers over the git CLI (through the exec runner: argument arrays, no shell).
import { CommandError } from '../../agents/types.js';
import type { RunOptions, RunResult } from '../exec/run.js';
import { describeExit, runProcess, succeeded } from '../exec/run.js';

export type GitOptions = Pick<RunOptions, 'signal' | 'onLine' | 'env' | 'timeoutMs'>;

/** Environment that keeps git from prompting or reading the user's editor. */
const GIT_ENV: Record<string, string> = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_EDITOR: 'true',
  GIT_MERGE_AUTOEDIT: 'no',
  LC_ALL: 'C',
};

/** Runs git and returns the raw result (never throws). */
export function gitRaw(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<RunResult> {
  return runProcess('git', args, { timeoutMs: 120_000, ...options, cwd, env: { ...GIT_ENV, ...options.env } });
}

/** Runs git and returns trimmed stdout; throws a CommandError naming the command on failure. */
export async function git(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  const result = await gitRaw(cwd, args, options);
  if (!succeeded(result)) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
    throw new CommandError('git_failed', `${describeExit(result)}${detail ? `: ${detail}` : ''}`);
  }
  return result.stdout.replace(/\n$/, '');
}

/** The repository's top level, or null when `dir` is not inside a git work tree. */
export async function topLevel(dir: string): Promise<string | null> {
  const result = await gitRaw(dir, ['rev-parse', '--show-toplevel']);
  return succeeded(result) ? result.stdout.trim() : null;
}

/** The checked-out branch name, or null on a detached HEAD. */
export async function currentBranch(cwd: string): Promise<string | null> {
  const result = await gitRaw(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return succeeded(result) ? result.stdout.trim() : null;
}

export async function revParse(cwd: string, rev: string): Promise<string | null> {
  const result = await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return succeeded(result) ? result.stdout.trim() : null;
}

export async function branchExists(cwd: string, branch: string): Promise<boolean> {
  return (await revParse(cwd, `refs/heads/${branch}`)) !== null;
}

export interface StatusEntry {
  /** Two-letter porcelain code, e.g. ` M`, `??`, `UU`. */
  readonly code: string;
  readonly path: string;
}

/** `git status --porcelain` of a work tree (untracked included, ignored excluded). */
export async function status(cwd: string): Promise<StatusEntry[]> {
  const out = await git(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const entries: StatusEntry[] = [];
  const parts = out.split('\0').filter((p) => p.length > 0);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const code = part.slice(0, 2);
    entries.push({ code, path: part.slice(3) });
    // Renames and copies carry the original path as the next field.
    if (code.startsWith('R') || code.startsWith('C')) i++;
  }
  return entries;
}

export async function isDirty(cwd: string): Promise<boolean> {
  return (await status(cwd)).length > 0;
}

/** Commits on `branch` that `base` does not contain. */
export async function commitsAhead(cwd: string, base: string, branch: string): Promise<number> {
  const out = await git(cwd, ['rev-list', '--count', `${base}..${branch}`]);
  return Number.parseInt(out, 10) || 0;
}

export interface WorktreeInfo {
  readonly path: string;
  readonly head: string | null;
  readonly branch: string | null;
}

export async function listWorktrees(cwd: string): Promise<WorktreeInfo[]> {
  const out = await git(cwd, ['worktree', 'list', '--porcelain']);
  const list: WorktreeInfo[] = [];
  for (const block of out.split('\n\n')) {
    let path = '';
    let head: string | null = null;
    let branch: string | null = null;
    for (const line of block.split('\n')) {
      if (line.startsWith('worktree ')) path = line.slice(9);
      else if (line.startsWith('HEAD ')) head = line.slice(5);
      else if (line.startsWith('branch ')) branch = line.slice(7).replace(/^refs\/heads\//, '');
    }
    if (path) list.push({ path, head, branch });
  }
  return list;
}

/** Files changed between `base` and the work tree (committed and uncommitted), plus untracked ones. */
export async function changedFiles(cwd: string, base: string): Promise<{ status: string; path: string }[]> {
  const out = await git(cwd, ['diff', '--name-status', '-z', '--no-renames', base]);
  const parts = out.split('\0').filter((p) => p.length > 0);
  const files: { status: string; path: string }[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) files.push({ status: parts[i] as string, path: parts[i + 1] as string });
  const untracked = await git(cwd, ['ls-files', '--others', '--exclude-standard', '-z']);
  for (const path of untracked.split('\0').filter((p) => p.length > 0)) files.push({ status: 'A', path });
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Author/committer variables for commits agentdeck makes, used only when the repository has no
 * identity configured (a fresh clone on a server), so git never refuses to commit.
 */
export async function identityEnv(cwd: string): Promise<Record<string, string>> {
  const email = await gitRaw(cwd, ['config', 'user.email']);
  if (succeeded(email) && email.stdout.trim()) return {};
  return {
    GIT_AUTHOR_NAME: 'agentdeck',
    GIT_AUTHOR_EMAIL: 'agentdeck@localhost',
    GIT_COMMITTER_NAME: 'agentdeck',
    GIT_COMMITTER_EMAIL: 'agentdeck@localhost',
  };
}

/** Stages everything in the work tree and commits it; returns the new sha, or null when nothing changed. */
export async function commitAll(cwd: string, message: string, options: GitOptions = {}): Promise<string | null> {
  await git(cwd, ['add', '-A'], options);
  return commitIndex(cwd, message, [], options);
}

/**
 * Commits only `paths` (relative to `cwd`), whatever else is pending in the work tree or the
 * index: a hand edit beside them stays uncommitted. Returns the new sha, or null when they did
 * not change.
 */
export async function commitFiles(cwd: string, paths: readonly string[], message: string, options: GitOptions = {}): Promise<string | null> {
  if (paths.length === 0) return null;
  await git(cwd, ['add', '-A', '--', ...paths], options);
  return commitIndex(cwd, message, paths, options);
}

async function commitIndex(cwd: string, message: string, paths: readonly string[], options: GitOptions): Promise<string | null> {
  const staged = await gitRaw(cwd, ['diff', '--cached', '--quiet', ...(paths.length ? ['--', ...paths] : [])]);
  if (staged.code === 0) return null;
  const env = { ...(await identityEnv(cwd)), ...options.env };
  // With paths, `git commit -- <paths>` takes exactly those, leaving anything else in the index alone.
  await git(cwd, ['commit', '--no-verify', '-q', '-m', message, ...(paths.length ? ['--', ...paths] : [])], { ...options, env });
  return git(cwd, ['rev-parse', 'HEAD']);
}
