// `agentdeck run [--json] "<command>"`: one command in the current project, headless. Events
// stream as the user's log lines; `--json` prints exactly one JSON object on stdout instead.
import type { CommandResult } from '../agents/types.js';
import { ConfigError, loadProject } from '../services/config/project.js';
import { createRedactor, redactDeep } from '../services/secrets/redact.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit.js';
import type { Io } from './io.js';
import { eventLine, exitCodeOf, printable, printResult } from './print.js';
import { joinWords } from './quote.js';

export const RUN_USAGE = [
  'usage: agentdeck run [--json] "<command>"',
  '       agentdeck run [--json] <command words...>',
  '',
  'Runs one command in the project of the current directory (its git top level) and exits:',
  '0 done, 1 failed (or waiting for an approval), 2 usage error, 3 incomplete (a check could not run).',
  '',
  'options:',
  '  --json     print exactly one JSON object on stdout:',
  '             {"ok": true|false, "command": ..., "result": ..., "error": {"message", "code"}}',
  '  --help     show this help ("agentdeck run "<command> --help"" shows a command\'s help)',
  '  --         end of options: what follows is the command',
  '',
  'examples:',
  '  agentdeck run "create ticket \\"login page returns 500\\""',
  '  agentdeck run status --output json',
  '  agentdeck run --json "@agent health"',
  '',
  'agentdeck --help lists every command.',
];

export interface RunArgs {
  readonly json: boolean;
  readonly help: boolean;
  readonly line: string;
}

/** Options come before the command's words; `--json` is also taken as the last word. */
export function parseRunArgs(args: readonly string[]): RunArgs | { error: string } {
  let json = false;
  let help = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a === '--') {
      i++;
      break;
    } else if (a.startsWith('-') && !a.includes(' ')) return { error: `agentdeck run: unknown option "${a}"; accepted: --json, --help (put the command in quotes)` };
    else break;
  }
  const words = args.slice(i);
  if (words.length > 1 && words[words.length - 1] === '--json') {
    json = true;
    words.pop();
  }
  return { json, help, line: joinWords(words).trim() };
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export async function runCommand(args: readonly string[], io: Io, options: RunOptions): Promise<number> {
  const parsed = parseRunArgs(args);
  if ('error' in parsed) {
    io.err(parsed.error);
    return EXIT_USAGE;
  }
  const { json, line } = parsed;
  if (parsed.help && line === '') {
    for (const l of RUN_USAGE) io.out(l);
    return EXIT_OK;
  }
  // `run --help deploy` reads as the command's own help.
  const commandLine = parsed.help ? `help ${line}` : line;
  // The echoed line is redacted too (token shapes at first, the project's values once loaded).
  let redactLine = createRedactor();
  const answer = (result: CommandResult | null, error: { message: string; code: string } | null): void => {
    io.out(JSON.stringify({ ok: result?.ok ?? false, command: redactLine(commandLine), result: result ? jsonResult(result) : null, error }));
  };
  if (commandLine === '') {
    const message = 'agentdeck run: no command given; usage: agentdeck run [--json] "<command>" (agentdeck --help lists the commands)';
    if (json) answer(null, { message, code: 'usage' });
    else io.err(message);
    return EXIT_USAGE;
  }

  let project;
  try {
    project = loadProject(options.cwd, options.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (json) answer(null, { message: err.lines.join('; '), code: 'config' });
    else for (const l of err.lines) io.err(l);
    return EXIT_USAGE;
  }
  for (const w of project.warnings) io.err(w);
  redactLine = createRedactor(project.secrets);

  const { openSession } = await import('./session.js');
  let session;
  try {
    session = await openSession(project);
  } catch (err) {
    // An unreadable state db, a read-only directory...: in --json mode still one object.
    if (!json) throw err;
    answer(null, { message: redactLine(err instanceof Error ? err.message : String(err)), code: 'state' });
    return EXIT_FAILED;
  }
  redactLine = session.bus.redact;
  const said = new Set<string>();
  const unsubscribe = json
    ? () => undefined
    : session.bus.subscribe((e) => {
        if (!printable(e)) return;
        said.add(e.message);
        io.out(eventLine(io, e));
      });
  // Ctrl+C stops the run at its next safe point; a second one leaves at once.
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.err('stopping at the next safe point (Ctrl+C again to quit now)');
    controller.abort(new Error('interrupted by Ctrl+C'));
  };
  process.on('SIGINT', onSigint);
  // In --json mode stdout carries the one object only: stray console output goes to stderr.
  const restoreConsole = json ? divertConsole() : () => undefined;
  let result: CommandResult;
  try {
    result = await session.engine.dispatch(commandLine, { initiator: 'you', signal: controller.signal });
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    await session.close();
    restoreConsole();
  }
  // Results are redacted like events: a handler's data never shows a secret.
  const safe = redactDeep(result, session.bus.redact);
  if (json) answer(safe, safe.ok ? null : (safe.error ?? { message: safe.message, code: safe.status }));
  else printResult(io, safe, said);
  return exitCodeOf(safe);
}

function jsonResult(r: CommandResult): Record<string, unknown> {
  return {
    status: r.status,
    message: r.message,
    data: r.data ?? null,
    lines: r.lines ?? [],
    runId: r.runId ?? null,
    approvalId: r.approvalId ?? null,
  };
}

function divertConsole(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn };
  for (const m of ['log', 'info', 'debug', 'warn'] as const) console[m] = (...a: unknown[]) => console.error(...a);
  return () => Object.assign(console, saved);
}
