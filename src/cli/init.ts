// `agentdeck init [--force]` and `agentdeck init claude [--force]`
import { initProject } from '../services/config/init.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit.js';
import { runInitClaude } from './init-claude.js';
import type { Io } from './io.js';

export const INIT_USAGE = [
  'usage: agentdeck init [--force]          writes a starter agentdeck.config.json in the project root',
  '       agentdeck init claude [--force]   writes the /agent command for Claude Code',
];

export function runInit(args: readonly string[], io: Io, cwd: string): number {
  if (args[0] === 'claude') return runInitClaude(args.slice(1), io, cwd);
  if (args.includes('--help') || args.includes('-h')) {
    for (const l of INIT_USAGE) io.out(l);
    return EXIT_OK;
  }
  const unknown = args.filter((a) => a !== '--force');
  if (unknown.length > 0) {
    io.err(`agentdeck init: unknown argument "${unknown[0]}"; accepted: --force, claude`);
    return EXIT_USAGE;
  }
  const result = initProject(cwd, { force: args.includes('--force') });
  for (const line of result.lines) (result.ok ? io.out : io.err)(line);
  return result.ok ? EXIT_OK : EXIT_FAILED;
}
