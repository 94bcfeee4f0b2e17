// `agentdeck run [--json] "<command>"`: one command in the current project, headless. Events
// stream as the user's log lines; `--json` prints exactly one JSON object on stdout instead.
import { PERSON } from '../agents/orchestrator/policy.js';
import type { CommandResult } from '../agents/types.js';
import { ConfigError, loadProject } from '../services/config/project.js';
import { createRedactor, redactDeep } from '../services/secrets/redact.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit.js';
import type { Io } from './io.js';
import { eventLine, exitCodeOf, printable, printResult } from './print.js';
import { joinWords } from './quote.js';
import { inert } from '../services/format/inert.js';

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

/** `--json` anywhere before `--`, or as the last word: so that even a bad option gets its JSON answer. */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json') || args[args.length - 1] === '--json';
}

/** Options come before the command's words; `--json` is also taken as the last word. */
export function parseRunArgs(args: readonly string[]): RunArgs | { error: string; json: boolean } {
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
    } else if (a.startsWith('-') && !a.includes(' ')) return { error: `agentdeck run: unknown option "${a}"; accepted: --json, --help (put the command in quotes)`, json: wantsJson(args) };
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
  /**
   * Whether a person types at this terminal (default: stdin is a TTY). Only then may the command
   * decide an approval; a script or a model's shell tool has no terminal.
   */
  readonly interactive?: boolean;
}

type Problem = { readonly message: string; readonly code: string };

/**
 * How `run` answers, on every exit path: as text (data made inert: it may come from anyone) or,
 * with `--json`, as exactly one JSON object on stdout (nothing else is written there).
 */
interface Reply {
  /** A problem before any command ran: its lines on stderr, or the one object. */
  problem(problem: Problem, lines?: readonly string[]): void;
  /** Lines that are the answer itself (`run --help`). */
  lines(lines: readonly string[]): void;
  result(result: CommandResult, said: ReadonlySet<string>): void;
  /** The echoed command line is redacted: token shapes at first, the project's values once loaded. */
  redactWith(redact: (text: string) => string): void;
}

function replyFor(json: boolean, io: Io, commandLine: string): Reply {
  let redact = createRedactor();
  if (!json) {
    return {
      problem: (p, lines) => {
        for (const l of lines ?? [p.message]) io.err(inert(l));
      },
      lines: (lines) => {
        for (const l of lines) io.out(l);
      },
      result: (r, said) => printResult(io, r, said),
      redactWith: (r) => (redact = r),
    };
  }
  let answered = false;
  const answer = (result: CommandResult | null, error: Problem | null): void => {
    if (answered) return;
    answered = true;
    const object = { ok: result?.ok ?? false, command: redact(commandLine), result: result ? jsonResult(result) : null, error };
    // JSON.stringify leaves C1 and bidi controls raw: their escapes keep the same JSON value.
    io.out(inert(JSON.stringify(object)));
  };
  return {
    problem: (p) => answer(null, p),
    lines: (lines) => answer({ ok: true, status: 'done', message: lines[0] ?? '', lines }, null),
    result: (r) => answer(r, r.ok ? null : (r.error ?? { message: r.message, code: r.status })),
    redactWith: (r) => (redact = r),
  };
}

export async function runCommand(args: readonly string[], io: Io, options: RunOptions): Promise<number> {
  const parsed = parseRunArgs(args);
  if ('error' in parsed) {
    replyFor(parsed.json, io, '').problem({ message: parsed.error, code: 'usage' });
    return EXIT_USAGE;
  }
  // `run --help deploy` reads as the command's own help.
  const commandLine = parsed.help && parsed.line !== '' ? `help ${parsed.line}` : parsed.line;
  const reply = replyFor(parsed.json, io, commandLine);
  if (!parsed.json) return runOne(parsed, commandLine, reply, io, options);
  try {
    return await runOne(parsed, commandLine, reply, io, options);
  } catch (err) {
    // The last line of defence keeps the promise of one object too.
    reply.problem({ message: err instanceof Error ? err.message : String(err), code: 'internal' });
    return EXIT_FAILED;
  }
}

async function runOne(parsed: RunArgs, commandLine: string, reply: Reply, io: Io, options: RunOptions): Promise<number> {
  const { json } = parsed;
  if (parsed.help && parsed.line === '') {
    reply.lines(RUN_USAGE);
    return EXIT_OK;
  }
  if (commandLine === '') {
    reply.problem({ message: 'agentdeck run: no command given; usage: agentdeck run [--json] "<command>" (agentdeck --help lists the commands)', code: 'usage' });
    return EXIT_USAGE;
  }

  let project;
  try {
    project = loadProject(options.cwd, options.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    reply.problem({ message: err.lines.join('; '), code: 'config' }, err.lines);
    return EXIT_USAGE;
  }
  for (const w of project.warnings) io.err(inert(w));
  reply.redactWith(createRedactor(project.secrets));

  const { openSession } = await import('./session.js');
  let session;
  try {
    session = await openSession(project);
  } catch (err) {
    // An unreadable state db, a read-only directory...: in --json mode still one object.
    if (!json) throw err;
    reply.problem({ message: createRedactor(project.secrets)(err instanceof Error ? err.message : String(err)), code: 'state' });
    return EXIT_FAILED;
  }
  reply.redactWith(session.bus.redact);
  const said = new Set<string>();
  const unsubscribe = json
    ? () => undefined
    : session.bus.subscribe((e) => {
        if (!printable(e)) return;
        // Stored before printed: a line the user saw is in the state db even if the process is
        // killed right after.
        session.bus.flush();
        said.add(e.message);
        io.out(eventLine(io, e));
      });
  // Ctrl+C stops the run at its next safe point; a second one leaves at once.
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) {
      reply.problem({ message: 'interrupted by a second Ctrl+C', code: 'interrupted' });
      process.exit(130);
    }
    io.err('stopping at the next safe point (Ctrl+C again to quit now)');
    controller.abort(new Error('interrupted by Ctrl+C'));
  };
  process.on('SIGINT', onSigint);
  // In --json mode stdout carries the one object only: stray console output goes to stderr.
  const restoreConsole = json ? divertConsole() : () => undefined;
  let result: CommandResult;
  try {
    for (const notice of session.engine.notices) io.err(notice);
    const interactive = options.interactive ?? process.stdin.isTTY === true;
    result = await session.engine.dispatch(commandLine, { initiator: interactive ? PERSON : 'script', signal: controller.signal });
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    await session.close();
    restoreConsole();
  }
  // Results are redacted like events: a handler's data never shows a secret.
  const safe = redactDeep(result, session.bus.redact);
  reply.result(safe, said);
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
    ...(r.approveLine ? { approveLine: r.approveLine } : {}),
  };
}

function divertConsole(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn };
  for (const m of ['log', 'info', 'debug', 'warn'] as const) console[m] = (...a: unknown[]) => console.error(...a);
  return () => Object.assign(console, saved);
}
