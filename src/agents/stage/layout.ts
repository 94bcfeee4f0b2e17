// Where StageAgent keeps things in the target repository, and what it calls them.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { OWN_DIRS, STAGED_DIR } from '../../services/exec/test-runner.js';
import { git } from '../../services/git/git.js';

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

/** `staged/<YYYY-MM-DD_HH-MM-SS>_<ticket>` relative to the root. */
export function stagedDirName(ticketId: string, date: Date = new Date()): string {
  return join(STAGED_DIR, `${stamp(date)}_${ticketId}`);
}

/**
 * Adds `staged/` and `.agentdeck/` to the repository's own exclude file (`.git/info/exclude`),
 * which is not part of the user's working tree, so nothing tracked changes.
 */
export async function ensureIgnoreRules(root: string): Promise<void> {
  const common = await git(root, ['rev-parse', '--git-common-dir']);
  const dir = isAbsolute(common) ? common : join(root, common);
  const file = join(dir, 'info', 'exclude');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = new Set(current.split('\n').map((l) => l.trim()));
  const missing = IGNORE_RULES.filter((rule) => !lines.has(rule) && !lines.has(`/${rule}`));
  if (missing.length === 0) return;
  mkdirSync(join(dir, 'info'), { recursive: true });
  const prefix = current.length > 0 && !current.endsWith('\n') ? '\n' : '';
  appendFileSync(file, `${prefix}# agentdeck: staged worktrees and local state\n${missing.map((r) => `/${r}`).join('\n')}\n`);
}
