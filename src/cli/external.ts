// Verbs whose work lives elsewhere: the MCP server and the scheduled backups.
import type { Readable, Writable } from 'node:stream';
import { EXIT_FAILED } from './exit.js';
import type { Io } from './io.js';

/** Where the verb runs: the CLI's working directory and environment. */
export interface VerbOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The protocol streams of `mcp` (default: the process's). */
  readonly stdin?: Readable;
  readonly stdout?: Writable;
}

export async function runMcp(_args: readonly string[], io: Io, options: VerbOptions = {}): Promise<number> {
  const mod = await optional(() => import('../services/mcp/server.js'));
  if (!mod) return missing(io, 'the MCP server');
  const [{ loadProject }, { openSession }, { COMMANDS }] = await Promise.all([
    import('../services/config/project.js'),
    import('./session.js'),
    import('../commands/registry.js'),
  ]);
  const project = loadProject(options.cwd ?? process.cwd(), options.env ?? process.env);
  return mod.runMcpServer({
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.stdout ? { stdout: options.stdout } : {}),
    boot: async () => {
      const s = await openSession(project, { approvalCheckMs: 30_000 });
      return { commands: COMMANDS, redact: s.bus.redact, dispatch: (c, o) => s.engine.dispatch(c, o), close: () => s.close() };
    },
  });
}

export async function runScheduled(_args: readonly string[], io: Io, options: VerbOptions = {}): Promise<number> {
  const mod = await optional(() => import('../agents/ops/scheduled.js'));
  if (!mod) return missing(io, 'scheduled backups');
  const { findProjectRoot } = await import('../services/config/root.js');
  const report = await mod.runScheduledBackups({ root: findProjectRoot(options.cwd ?? process.cwd()) });
  for (const line of report.lines) io.out(line);
  return report.ok ? 0 : EXIT_FAILED;
}

/** The module, or null when it is not part of this build. */
export async function optional<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  }
}

function missing(io: Io, what: string): number {
  io.err(`agentdeck: ${what} is not available in this build`);
  return EXIT_FAILED;
}
