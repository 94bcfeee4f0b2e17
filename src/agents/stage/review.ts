// `review <id>`: the files a ticket's staged worktree changes, and the diff.
import { gitRaw, git } from '../../services/git/git.js';
import type { CommandContext, CommandResult } from '../types.js';
import { shownPath } from './layout.js';
import { requireStaged, stagedChanges } from './worktrees.js';

const STATUS_NAMES: Record<string, string> = { A: 'added', M: 'modified', D: 'deleted', T: 'type changed' };

export async function reviewTicket(ctx: CommandContext, ticketId: string): Promise<CommandResult> {
  const staged = requireStaged(ctx, ticketId);
  const files = await stagedChanges(staged);
  const where = shownPath(ctx.root, staged.path);
  if (files.length === 0) {
    return { ok: true, status: 'done', message: `${ticketId} has no changes yet in ${where}`, data: { ticketId, path: staged.path, files: [] }, lines: [] };
  }
  const tracked = await git(staged.path, ['diff', '--no-color', '--no-ext-diff', staged.baseSha]);
  // Untracked files are not in `git diff <base>`; show them as whole new files.
  const others = await git(staged.path, ['ls-files', '--others', '--exclude-standard', '-z']);
  const untrackedPaths = new Set(others.split('\0').filter((p) => p.length > 0));
  const untracked = files.filter((f) => f.status === 'A' && untrackedPaths.has(f.path));
  const extra: string[] = [];
  for (const f of untracked) {
    const d = await gitRaw(staged.path, ['diff', '--no-color', '--no-index', '--', '/dev/null', f.path]);
    extra.push(d.stdout.replace(/\n$/, ''));
  }
  const diff = [tracked, ...extra].filter((s) => s.length > 0).join('\n');
  const lines = [
    'Changes to review:',
    ...files.map((f, i) => `  ${i + 1}. ${f.path} (${STATUS_NAMES[f.status[0] ?? ''] ?? f.status})`),
    '',
    ...diff.split('\n'),
  ];
  ctx.as('stage').log('info', `${ticketId}: ${files.length} changed file(s) in ${where}`);
  return {
    ok: true,
    status: 'done',
    message: `${ticketId}: ${files.length} changed file(s) in ${where} (branch ${staged.branch})`,
    data: { ticketId, path: staged.path, branch: staged.branch, base: staged.base, files, diff },
    lines,
  };
}
