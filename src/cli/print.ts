// How `run` and the plain console print events and results.
import type { CommandResult } from '../agents/types.js';
import { formatEvent } from '../services/events/format.js';
import { inert, inertLine, inertLines } from '../services/format/inert.js';
import type { AgentEvent, Level } from '../services/events/types.js';
import { EXIT_FAILED, EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE } from './exit.js';
import { paint, type Colour, type Io } from './io.js';

const LEVEL_COLOUR: Partial<Record<Level, Colour>> = { success: 'green', warn: 'yellow', error: 'red', debug: 'gray' };

/**
 * `[ORCHESTRATOR] ✓ Ticket created: BUG-2026-001`, coloured by level when colour is allowed. The
 * message is data (a title, a test's output...): it is made inert before any colour is added.
 */
export function eventLine(io: Pick<Io, 'color'>, e: Pick<AgentEvent, 'agent' | 'level' | 'message'>): string {
  const line = formatEvent({ ...e, message: inertLine(e.message) });
  const colour = LEVEL_COLOUR[e.level];
  return colour ? paint(io, colour, line) : line;
}

/**
 * Whether a streamed event is worth a line in `run`: not debug, and not a run's own status
 * line (its outcome is the result, printed once at the end).
 */
export function printable(e: AgentEvent): boolean {
  return e.level !== 'debug' && e.kind !== 'run';
}

/**
 * Prints a result after the events: an ok result's message (unless an event already said it)
 * and its lines on stdout; a failure's lines, then its message on stderr. Everything a result
 * carries is data, printed inert (`status` lists titles, `logs` lines of test output...).
 */
export function printResult(io: Io, raw: CommandResult, said: ReadonlySet<string>): void {
  const lines = (raw.lines ?? []).flatMap(inertLines);
  const result = { ...raw, message: inertLine(raw.message) };
  if (result.ok) {
    if (!said.has(raw.message)) io.out(result.message);
    for (const l of lines) io.out(l);
    return;
  }
  for (const l of lines) io.out(l);
  if (result.status === 'waiting_approval') {
    io.out(paint(io, 'yellow', `⚠ ${result.message}`));
    const id = result.approvalId;
    if (id) io.out(`  approve: agentdeck run "${result.approveLine ?? `approve ${id}`}"   reject: agentdeck run "reject ${id}"`);
    return;
  }
  const mark = result.status === 'needs_model' || result.status === 'not_available' || result.status === 'incomplete' ? '⚠' : '✗';
  io.err(paint(io, mark === '✗' ? 'red' : 'yellow', `${mark} ${result.message}`));
  const usage = (result.data as { usage?: unknown } | undefined)?.usage;
  if (result.error?.code === 'usage' && typeof usage === 'string' && usage) io.err(inert(`usage: ${usage}`));
}

/** 0 done, 2 usage error, 3 incomplete, 1 anything else. */
export function exitCodeOf(result: CommandResult): number {
  if (result.ok) return EXIT_OK;
  if (result.status === 'incomplete') return EXIT_INCOMPLETE;
  return result.error?.code === 'usage' ? EXIT_USAGE : EXIT_FAILED;
}
