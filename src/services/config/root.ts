// The target project's root: the git top level of a directory, else the directory itself.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Walks up looking for `.git` (a directory, or a file in worktrees and submodules), which is
 * what `git rev-parse --show-toplevel` finds, without paying for a subprocess at start-up.
 */
export function findProjectRoot(cwd: string): string {
  const start = resolve(cwd);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}
