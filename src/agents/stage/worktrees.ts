// Staged environments: one git worktree per ticket at `<staged base>/<stamp>_<ticket>/` (outside
// the project by default, see stagedBase) on branch `agentdeck/<ticket>`. Their record (path,
// base branch) lives in the state db's kv table; one made before (under ./staged/) whose record
// is missing is found again through `git worktree list`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PermissionDecision, PermissionRequest } from '../runtime/types.js';
import { CommandError, type CommandContext } from '../types.js';
import {
  branchExists,
  changedFiles,
  commitAll,
  commitFiles,
  commitsAhead,
  currentBranch,
  git,
  gitRaw,
  identityEnv,
  revParse,
  status,
} from '../../services/git/git.js';
import { getKv, setKv } from '../../services/state/kv.js';
import { archiveLeftovers, findLeftovers, isSecretFile, type Leftovers } from './leftovers.js';
import { ARCHIVE_DIR, branchFor, ensureIgnoreRules, shownPath, stagedDirPath, stamp } from './layout.js';
import { markTicket, withState } from './state.js';

export interface Staged {
  readonly ticketId: string;
  /** Absolute path of the worktree. */
  readonly path: string;
  readonly branch: string;
  /** The branch it was cut from (the user's branch at the time), and its commit then. */
  readonly base: string;
  readonly baseSha: string;
  readonly createdAt: string;
}

const key = (ticketId: string): string => `stage:${ticketId.toUpperCase()}`;

export function getStaged(where: CommandContext | string, ticketId: string): Staged | null {
  const staged = withState(where, (state) => getKv<Staged | null>(state, key(ticketId), null));
  if (staged) return existsSync(staged.path) ? staged : null;
  const found = registeredWorktree(typeof where === 'string' ? where : where.root, ticketId);
  if (found) saveStaged(where, found, ticketId);
  return found;
}

/** The ticket's worktree as git knows it (`git worktree list`), for one without a record. */
function registeredWorktree(root: string, ticketId: string): Staged | null {
  const gitSync = (args: readonly string[]): string | null => {
    const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const branch = branchFor(ticketId.toUpperCase());
  const list = gitSync(['worktree', 'list', '--porcelain']);
  if (!list) return null;
  const block = list.split('\n\n').find((b) => b.split('\n').includes(`branch refs/heads/${branch}`));
  const path = block?.split('\n').find((l) => l.startsWith('worktree '))?.slice('worktree '.length);
  if (!path || !existsSync(path)) return null;
  const base = gitSync(['symbolic-ref', '--short', 'HEAD']) ?? 'HEAD';
  const baseSha = gitSync(['merge-base', 'HEAD', branch]);
  if (!baseSha) return null;
  return { ticketId: ticketId.toUpperCase(), path, branch, base, baseSha, createdAt: new Date().toISOString() };
}

function saveStaged(where: CommandContext | string, staged: Staged | null, ticketId: string): void {
  withState(where, (state) => setKv(state, key(ticketId), staged));
}

export function requireStaged(where: CommandContext | string, ticketId: string): Staged {
  const staged = getStaged(where, ticketId);
  if (!staged) {
    throw new CommandError('no_staged', `${ticketId} has no staged environment: generate code or run "fix ticket ${ticketId}" first`);
  }
  return staged;
}

/**
 * Links the root's installed dependencies into a worktree, so its tests and type checks see the
 * same packages. Only where the repository ignores `node_modules`, so the tree stays clean.
 */
async function linkDependencies(root: string, path: string): Promise<void> {
  const modules = join(root, 'node_modules');
  const target = join(path, 'node_modules');
  if (!existsSync(modules) || existsSync(target)) return;
  // Asked as a directory: `node_modules/` (the common form) only matches directories, and the
  // path does not exist in the new worktree yet.
  const ignored = await gitRaw(path, ['check-ignore', '-q', 'node_modules/']);
  if (ignored.code !== 0) return;
  // The link is a file to git, which a directory-only rule does not cover: the repository's own
  // exclude file (never part of the working tree) keeps it out of status and commits.
  if ((await gitRaw(path, ['check-ignore', '-q', 'node_modules'])).code !== 0) await ensureIgnoreRules(root, ['node_modules']);
  try {
    lstatSync(target);
  } catch {
    symlinkSync(relative(path, modules), target, 'dir');
  }
}

/**
 * Next.js's generated route types (`.next/types`, written by `next dev`, `build` or `typegen`): the
 * `next-env.d.ts` of Next 15.5+ imports them, and the app's own layouts use their global
 * `LayoutProps`/`PageProps`, so without them the app's `tsc` fails in a worktree on files nobody
 * changed. Copied (small, and the worktree may add routes) only where git ignores them.
 */
async function copyGeneratedTypes(root: string, path: string): Promise<void> {
  const from = join(root, '.next', 'types');
  const to = join(path, '.next', 'types');
  if (!existsSync(from) || existsSync(to)) return;
  if ((await gitRaw(path, ['check-ignore', '-q', '.next/types/'])).code !== 0) return;
  cpSync(from, to, { recursive: true });
}

/** Local env files the app's tests read; copied only where git ignores them, so never committed. */
const ENV_FILES = ['.env', '.env.local', '.env.test', '.env.test.local', '.env.development', '.env.development.local'];

async function copyEnvFiles(root: string, path: string): Promise<string[]> {
  const copied: string[] = [];
  for (const name of ENV_FILES) {
    const from = join(root, name);
    const to = join(path, name);
    if (!existsSync(from) || existsSync(to)) continue;
    if ((await gitRaw(path, ['check-ignore', '-q', name])).code !== 0) continue;
    copyFileSync(from, to);
    copied.push(name);
  }
  return copied;
}

/** The ticket's staged worktree, created on first use. */
export async function ensureStaged(ctx: CommandContext, ticketId: string): Promise<{ staged: Staged; created: boolean }> {
  const existing = getStaged(ctx, ticketId);
  if (existing) return { staged: existing, created: false };
  await ensureIgnoreRules(ctx.root);
  const base = (await currentBranch(ctx.root)) ?? 'HEAD';
  const baseSha = await revParse(ctx.root, 'HEAD');
  if (!baseSha) throw new CommandError('no_commits', `${ctx.root} has no commits yet: commit something before staging changes`);
  const branch = branchFor(ticketId);
  const path = stagedDirPath(ctx.root, ticketId);
  mkdirSync(dirname(path), { recursive: true });
  // A worktree deleted by hand is still registered until pruned, which would block its branch.
  await gitRaw(ctx.root, ['worktree', 'prune']);
  // A worktree added before a kill, but not yet recorded, is taken as it is.
  const added = existsSync(path) && (await currentBranch(path)) === branch;
  const args = (await branchExists(ctx.root, branch))
    ? ['worktree', 'add', path, branch]
    : ['worktree', 'add', '-b', branch, path, baseSha];
  if (!added) await git(ctx.root, args, { signal: ctx.signal });
  await linkDependencies(ctx.root, path);
  await copyGeneratedTypes(ctx.root, path);
  await copyEnvFiles(ctx.root, path);
  const staged: Staged = { ticketId, path, branch, base, baseSha, createdAt: new Date().toISOString() };
  saveStaged(ctx, staged, ticketId);
  markTicket(ctx, ticketId, 'in progress', 'staged worktree created');
  ctx.as('stage').log('success', `Created staged environment: ${shownPath(ctx.root, path)}`, { ticketId, path, branch });
  return { staged, created: true };
}

/**
 * True when the absolute `path` is the worktree `dir` or inside it. Compared as paths, not as
 * strings: `staged/x_BUG-10` is not inside `staged/x_BUG-1`, and `..` segments are resolved.
 * Symlinks are followed too: a worktree's `node_modules` links to the project's, so a path under
 * it is outside the worktree.
 */
export function inWorktree(dir: string, path: string): boolean {
  if (!isAbsolute(path) || !contains(resolve(dir), resolve(path))) return false;
  const realDir = realLocation(resolve(dir));
  const realPath = realLocation(resolve(path));
  return realDir !== null && realPath !== null && contains(realDir, realPath);
}

/** A model runtime's permission check: file edits only inside the worktree `dir` (and only when `allowed`). */
export function onlyInWorktree(dir: string, allowed = true): (request: PermissionRequest) => Promise<PermissionDecision> {
  return async (r) => {
    const path = typeof r.input.file_path === 'string' ? r.input.file_path : null;
    return allowed && path && inWorktree(dir, path) ? { allow: true } : { allow: false, message: 'only files in the staged worktree may change' };
  };
}

function contains(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Where `path` really is: its deepest existing ancestor with symlinks resolved, plus the rest; null for a dangling link. */
function realLocation(path: string): string | null {
  const rest: string[] = [];
  let at = path;
  while (!lexists(at)) {
    const parent = dirname(at);
    if (parent === at) return path;
    rest.unshift(basename(at));
    at = parent;
  }
  try {
    return join(realpathSync(at), ...rest);
  } catch {
    return null;
  }
}

function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Commits whatever is pending in the worktree; returns the branch head. */
export async function commitStaged(staged: Staged, message: string): Promise<string> {
  return (await commitAll(staged.path, message)) ?? git(staged.path, ['rev-parse', 'HEAD']);
}

/**
 * Commits exactly the files agentdeck wrote in this step (paths relative to the worktree), so a
 * hand edit beside them is never swept in under agentdeck's message; the ticket is then staged.
 */
export async function commitWritten(ctx: CommandContext, staged: Staged, files: readonly string[], message: string): Promise<string> {
  const sha = (await commitFiles(staged.path, files, message)) ?? (await git(staged.path, ['rev-parse', 'HEAD']));
  markTicket(ctx, staged.ticketId, 'staged', message);
  return sha;
}

export async function stagedChanges(staged: Staged): Promise<{ status: string; path: string }[]> {
  return changedFiles(staged.path, staged.baseSha);
}

const untrackedSecret = (e: { code: string; path: string }): boolean => e.code === '??' && isSecretFile(e.path);

/** Why removing the worktree needs a typed confirmation, or null when it is clean and merged. */
export async function unsavedWork(root: string, staged: Staged, leftovers?: Leftovers): Promise<string | null> {
  const secrets = (leftovers ?? (await findLeftovers(staged.path))).secrets;
  const reasons: string[] = [];
  // Untracked env files count as secrets below, not as changes (they are never committed).
  if ((await status(staged.path)).some((e) => !untrackedSecret(e))) reasons.push('uncommitted changes');
  else {
    const ahead = (await revParse(root, staged.base)) ? await commitsAhead(root, staged.base, staged.branch) : 0;
    if (ahead > 0) reasons.push(`${ahead} unmerged commit(s)`);
  }
  if (secrets.length > 0) reasons.push(`env or key files that are never archived and would be deleted (${secrets.join(', ')})`);
  return reasons.length > 0 ? reasons.join(', and ') : null;
}

export interface RemoveResult {
  readonly removed: boolean;
  readonly archive?: string;
  /** What git did not track, and what became of it. */
  readonly leftovers?: Leftovers;
}

/**
 * Removes a staged worktree. Nothing git does not track goes unseen: committed work and pending
 * changes go into a git bundle plus a patch, ignored files into `<archive>.files/`, rebuildable
 * directories (dependencies, build outputs) are dropped and listed, and env and key files are
 * never copied anywhere (nor committed): they are deleted with the worktree, which therefore needs
 * the typed confirmation, as do uncommitted changes and unmerged commits (`confirmed`).
 */
export async function removeStaged(ctx: CommandContext, ticketId: string, confirmed: boolean): Promise<RemoveResult> {
  const root = ctx.root;
  const staged = requireStaged(ctx, ticketId);
  const leftovers = await findLeftovers(staged.path);
  const unsaved = await unsavedWork(root, staged, leftovers);
  if (unsaved && !confirmed) {
    throw new CommandError('confirm_required', `${ticketId}'s worktree has ${unsaved}: type the ticket id to confirm its removal`);
  }
  const dir = join(root, ARCHIVE_DIR);
  const name = join(dir, `${stamp()}_${ticketId}`);
  let archive: string | undefined;
  if (leftovers.archive.length > 0) {
    archiveLeftovers(staged.path, leftovers, `${name}.files`);
    archive = `${name}.files`;
  }
  const pending = (await status(staged.path)).filter((e) => !untrackedSecret(e));
  const committed = pending.length > 0 ? await commitExcept(staged.path, `${ticketId}: archived uncommitted changes (${pending.length} file(s))`, leftovers.secrets) : null;
  const ahead = (await revParse(root, staged.base)) ? await commitsAhead(root, staged.base, staged.branch) : 0;
  if (committed || ahead > 0) {
    mkdirSync(dir, { recursive: true });
    const patch = await git(root, ['diff', `${staged.baseSha}..${staged.branch}`]);
    writeFileSync(`${name}.patch`, `${patch}\n`);
    archive = `${name}.bundle`;
    await git(root, ['bundle', 'create', archive, staged.branch, '--not', staged.baseSha]);
  }
  await git(root, ['worktree', 'remove', '--force', staged.path]);
  await gitRaw(root, ['worktree', 'prune']);
  saveStaged(ctx, null, ticketId);
  const found = leftovers.archive.length + leftovers.secrets.length + leftovers.rebuildable.length > 0 ? { leftovers } : {};
  return archive ? { removed: true, archive, ...found } : { removed: true, ...found };
}

/** Commits everything pending except the given untracked paths (secrets stay out of git objects); the new sha or null. */
async function commitExcept(worktree: string, message: string, except: readonly string[]): Promise<string | null> {
  await git(worktree, ['add', '-A']);
  if (except.length > 0) await git(worktree, ['rm', '--cached', '-q', '--ignore-unmatch', '--', ...except], { env: { GIT_LITERAL_PATHSPECS: '1' } });
  const nothing = await gitRaw(worktree, ['diff', '--cached', '--quiet']);
  if (nothing.code === 0) return null;
  await git(worktree, ['commit', '--no-verify', '-q', '-m', message], { env: await identityEnv(worktree) });
  return git(worktree, ['rev-parse', 'HEAD']);
}

/** Every staged environment whose worktree still exists. */
export function listStaged(where: CommandContext | string): Staged[] {
  const rows = withState(where, (state) =>
    state.db.prepare("SELECT value FROM kv WHERE key LIKE 'stage:%' ORDER BY updated_at DESC").all() as { value: string }[],
  );
  return rows
    .map((r) => JSON.parse(r.value) as Staged | null)
    .filter((s): s is Staged => s !== null && existsSync(s.path));
}

/** The ticket a command means: the one given, the run's, or the only staged one. */
export function resolveTicket(ctx: CommandContext, given: string | undefined | null, what: string): string {
  const id = given ?? ctx.ticketId;
  if (id) return id.toUpperCase();
  const staged = listStaged(ctx);
  if (staged.length === 1) return (staged[0] as Staged).ticketId;
  const known = staged.map((s) => s.ticketId).join(', ');
  throw new CommandError(
    'ticket_required',
    `${what} needs a ticket: add --ticket <id>${known ? ` (staged: ${known})` : ' (nothing is staged yet)'}`,
  );
}
