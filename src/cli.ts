// agentdeck's command line. Kept small: each verb is imported only when it runs, so
// `--version` and `--help` do not pay for the registry's engine, the state db or the dashboard.
import type { Readable, Writable } from 'node:stream';
import { EXIT_OK, EXIT_USAGE } from './cli/exit.js';
import { createIo, type Io, type IoOptions } from './cli/io.js';
import { inert, inertLine } from './services/format/inert.js';

export interface MainOptions extends IoOptions {
  readonly cwd?: string;
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const VERBS = ['run', 'init', 'docs', 'help', 'mcp', 'backup run-scheduled'] as const;

export async function main(argv: readonly string[] = process.argv.slice(2), options: MainOptions = {}): Promise<number> {
  const io = createIo(options);
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case undefined:
        return await (await import('./cli/console.js')).runConsole(io, { cwd, env, stdin: options.stdin ?? process.stdin });
      case '--version':
      case '-v':
      case 'version':
        io.out((await import('./cli/version.js')).VERSION);
        return EXIT_OK;
      case '--help':
      case '-h':
      case 'help':
        return await (await import('./cli/help.js')).runHelp(rest, io);
      case 'run':
        return await (await import('./cli/run.js')).runCommand(rest, io, { cwd, env });
      case 'init':
        // `init claude` too: runInit routes it.
        return (await import('./cli/init.js')).runInit(rest, io, cwd);
      case 'docs':
        return await (await import('./cli/docs.js')).runDocs(rest, io, cwd);
      case 'mcp':
        return await (await import('./cli/external.js')).runMcp(rest, io, {
          cwd,
          env,
          ...(options.stdin ? { stdin: options.stdin as Readable } : {}),
          ...(options.stdout ? { stdout: options.stdout as Writable } : {}),
        });
      case 'backup':
        if (rest[0] === 'run-scheduled') return await (await import('./cli/external.js')).runScheduled(rest.slice(1), io, { cwd, env });
        return usage(io, `agentdeck backup: only "backup run-scheduled" is a verb; to run a backup command use: agentdeck run "backup ${rest.join(' ')}"`.trimEnd());
      default:
        if (verb.startsWith('-')) return usage(io, `agentdeck: unknown option "${verb}"; accepted: --help, --version`);
        return usage(io, `agentdeck: unknown verb "${verb}" (verbs: ${VERBS.join(', ')}); to run a command use: agentdeck run "${argv.join(' ')}"`);
    }
  } catch (err) {
    // A configuration mistake found by a verb: one line per problem (ConfigError, by shape, so
    // that this file does not load the config module for --version).
    const lines = (err as { lines?: unknown }).lines;
    if ((err as Error | null)?.name === 'ConfigError' && Array.isArray(lines)) {
      for (const l of lines) io.err(inert(String(l)));
      return EXIT_USAGE;
    }
    // The last line of defence: one line, never a stack trace, never a crash.
    io.err(inertLine(`agentdeck: ${err instanceof Error ? err.message : String(err)}`));
    return 1;
  }
}

function usage(io: Io, line: string): number {
  // The line echoes what was typed: inert, like any data.
  io.err(inert(line));
  return EXIT_USAGE;
}
