// `agentdeck init claude [--force]`: a project slash command for Claude Code, so that
// `/agent <command>` inside Claude Code runs `agentdeck run "<command>" --json`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findProjectRoot } from '../services/config/root.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit.js';
import type { Io } from './io.js';

export const INIT_CLAUDE_USAGE = 'usage: agentdeck init claude [--force]   writes .claude/commands/agent.md (the /agent command for Claude Code)';

export const COMMAND_FILE = join('.claude', 'commands', 'agent.md');

/**
 * The slash command. Claude runs one Bash call limited to `npx --no-install agentdeck run` (the
 * agentdeck installed in the project or globally, never a package fetched by that name); the command
 * words travel as one single-quoted argument, and approvals stay with a person.
 */
export const AGENT_COMMAND_MD = `---
description: Run an agentdeck command (the same words as @agent in the agentdeck console)
argument-hint: <command>, e.g. backup list | create ticket "..." | deploy BUG-2026-001 to staging
allowed-tools: Bash(npx --no-install agentdeck run:*)
---
Run this agentdeck command in the project and report what it did.

Command: $ARGUMENTS

Run exactly one shell command:

    npx --no-install agentdeck run '<the command above>' --json

- Pass the command as ONE single-quoted argument (write a single quote inside it as '\\''). Add nothing else.
- Report the result's \`message\`, then its \`lines\` as they are.
- If \`status\` is \`waiting_approval\`, give me the approval id and tell me to approve it in the agentdeck console (\`@agent approve <id>\`). Never approve or reject anything yourself.
- If \`status\` is \`incomplete\`, say plainly which checks could not run and why (the message names them): the result is not a pass.
- If \`status\` is \`failed\` or \`needs_manual\`, show the error line and stop; do not retry with other commands.
- If the command is empty, run \`npx --no-install agentdeck --help\` instead and list the command groups.
`;

export interface InitClaudeResult {
  readonly ok: boolean;
  readonly path: string;
  readonly lines: readonly string[];
}

export function initClaude(cwd: string, options: { force?: boolean } = {}): InitClaudeResult {
  const root = findProjectRoot(cwd);
  const path = join(root, COMMAND_FILE);
  const shown = relative(cwd, path) || path;
  if (existsSync(path)) {
    const current = readFileSync(path, 'utf8');
    if (current === AGENT_COMMAND_MD) return { ok: true, path, lines: [`${shown} is already up to date`] };
    if (!options.force) return { ok: false, path, lines: [`${shown} exists and differs: keep it, or run "agentdeck init claude --force" to replace it`] };
  }
  try {
    mkdirSync(join(root, '.claude', 'commands'), { recursive: true });
    writeFileSync(path, AGENT_COMMAND_MD);
  } catch (err) {
    return { ok: false, path, lines: [`cannot write ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`] };
  }
  return {
    ok: true,
    path,
    lines: [
      `Wrote ${shown}: type /agent <command> in Claude Code (e.g. /agent backup list)`,
      'To call agentdeck commands as tools too: claude mcp add agentdeck -- npx --no-install agentdeck mcp',
    ],
  };
}

export function runInitClaude(args: readonly string[], io: Io, cwd: string): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(INIT_CLAUDE_USAGE);
    return EXIT_OK;
  }
  const unknown = args.filter((a) => a !== '--force');
  if (unknown.length > 0) {
    io.err(`agentdeck init claude: unknown argument "${unknown[0]}"; accepted: --force`);
    return EXIT_USAGE;
  }
  const result = initClaude(cwd, { force: args.includes('--force') });
  for (const line of result.lines) (result.ok ? io.out : io.err)(line);
  return result.ok ? EXIT_OK : EXIT_FAILED;
}
