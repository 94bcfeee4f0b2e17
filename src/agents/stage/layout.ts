// Where StageAgent keeps things in the target repository, and what it calls them.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OWN_DIRS, STAGED_DIR } from '../../services/exec/test-runner.js';
import { git } from '../../services/git/git.js';
import { projectConfig } from './project.js';

export { STAGED_DIR };
/** Worktrees of deploy branches (`staging`) that are not checked out anywhere. */
export const DEPLOY_WORKTREES_DIR = join('.agentdeck', 'worktrees');
export const ARCHIVE_DIR = join('.agentdeck', 'archive');
export const INCIDENTS_DIR = join('.agentdeck', 'incidents');
export const IGNORE_RULES: readonly string[] = OWN_DIRS.map((d) => `${d}/`);

export function branchFor(ticketId: string): string {
  return `agentdeck/${ticketId}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `YYYY-MM-DD_HH-MM-SS` in local time, as the user reads the clock. */
export function stamp(date: Date = new Date()): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}_${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
}

/**
 * Where the project's staged worktrees go: the config's `staged` (absolute, `~/...`, or relative
 * to the project root), else `${XDG_DATA_HOME:-~/.local/share}/agentdeck/<project>-<hash>/staged`.
 * Outside the project by default, so the admin's type check, build, test runner and linters never
 * see the copies (a stock Next.js tsconfig includes every .ts file below the root).
 */
export function stagedBase(root: string): string {
  const configured = projectConfig(root).staged;
  if (configured) {
    if (configured === '~' || configured.startsWith('~/')) return join(homedir(), configured.slice(1));
    return resolve(root, configured);
  }
  const xdg = process.env.XDG_DATA_HOME;
  const data = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share');
  const real = realRoot(root);
  // Keyed by the project's real path: two checkouts of one app get separate places.
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 10);
  return join(data, 'agentdeck', `${basename(real) || 'project'}-${hash}`, STAGED_DIR);
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return resolve(root);
  }
}

/** The absolute path of a new worktree: `<staged base>/<YYYY-MM-DD_HH-MM-SS>_<ticket>`. */
export function stagedDirPath(root: string, ticketId: string, date: Date = new Date()): string {
  return join(stagedBase(root), `${stamp(date)}_${ticketId}`);
}

/** A directory as lines show it: `./staged/x/` inside the project, else its absolute path. */
export function shownPath(root: string, path: string): string {
  const rel = relative(root, path);
  const inside = rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  return inside ? `./${rel}/` : `${path}/`;
}

/** The repository's own exclude file (`.git/info/exclude`, shared by its worktrees). */
async function excludeFile(root: string): Promise<string> {
  const common = await git(root, ['rev-parse', '--git-common-dir']);
  const dir = isAbsolute(common) ? common : join(root, common);
  return join(dir, 'info', 'exclude');
}

/**
 * Adds rules (default `staged/` and `.agentdeck/`) to the repository's own exclude file, which
 * is not part of the user's working tree, so nothing tracked changes.
 */
export async function ensureIgnoreRules(root: string, rules: readonly string[] = IGNORE_RULES): Promise<void> {
  const file = await excludeFile(root);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = new Set(current.split('\n').map((l) => l.trim()));
  const missing = rules.filter((rule) => !lines.has(rule) && !lines.has(`/${rule}`));
  if (missing.length === 0) return;
  mkdirSync(join(file, '..'), { recursive: true });
  const prefix = current.length > 0 && !current.endsWith('\n') ? '\n' : '';
  appendFileSync(file, `${prefix}# agentdeck: staged worktrees and local state\n${missing.map((r) => `/${r}`).join('\n')}\n`);
}
