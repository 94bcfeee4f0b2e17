// `agentdeck --help` (the verbs and every command, from the registry) and `agentdeck help <command>`.
import { helpTopic, renderCommandOverview } from '../commands/help.js';
import { inert } from '../services/format/inert.js';
import { EXIT_OK, EXIT_USAGE } from './exit.js';
import type { Io } from './io.js';

export const OVERVIEW_HEAD = [
  'agentdeck: a terminal console for a team of agents working on a Supabase-backed app',
  '',
  'usage:',
  '  agentdeck                          open the console (in a terminal; piped: plain log lines)',
  '  agentdeck run [--json] "<command>" run one command and exit (0 done, 1 failed, 2 usage, 3 incomplete)',
  '  agentdeck init [--force]           write a starter agentdeck.config.json',
  '  agentdeck init claude              add the /agent command to Claude Code',
  '  agentdeck help <command>           one command in full',
  '  agentdeck docs --write             regenerate docs/COMMANDS.md',
  '  agentdeck mcp                      serve every command as an MCP tool over stdio',
  '  agentdeck backup run-scheduled     take the backups that are due (for cron)',
  '  agentdeck --version | --help',
  '',
];

export function runHelp(args: readonly string[], io: Io): Promise<number> {
  const topic = args.filter((a) => a !== '--help' && a !== '-h').join(' ').trim();
  if (topic === '') {
    for (const l of OVERVIEW_HEAD) io.out(l);
    io.out(renderCommandOverview(width()));
    return Promise.resolve(EXIT_OK);
  }
  const help = helpTopic(topic, width());
  if (!help.ok) {
    io.err(inert(`agentdeck help: ${help.error}`)); // the error echoes the typed topic
    return Promise.resolve(EXIT_USAGE);
  }
  for (const l of help.lines) io.out(l);
  return Promise.resolve(EXIT_OK);
}

function width(): number {
  const cols = process.stdout.columns;
  return cols && cols >= 60 ? Math.min(cols, 120) : 80;
}
