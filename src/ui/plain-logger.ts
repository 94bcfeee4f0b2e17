// Not a TTY (piped, CI): the same store, printed as plain lines in the user's style
// (`[MIGRATOR] ✓ Migration ready: ...`) instead of drawn by Ink.
import { formatEvent } from '../services/events/format.js';
import { inert, inertLine } from '../services/format/inert.js';
import type { DeckStore } from '../store/store.js';
import type { DeckState } from '../store/types.js';
import { indexOfId } from './logs/view.js';

export interface PlainLoggerOptions {
  /** Where lines go (default: stdout). */
  readonly write?: (line: string) => void;
  /** Print the lines already in the store first (default false: only what arrives). */
  readonly replay?: boolean;
}

/** Prints each new log line once; returns a function that stops it. */
export function runPlainLogger(store: DeckStore, options: PlainLoggerOptions = {}): () => void {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const initial = store.getState();
  let lastId = options.replay ? 0 : (initial.logs[initial.logs.length - 1]?.id ?? 0);
  let lastTotal = options.replay ? initial.logTotal - initial.logs.length : initial.logTotal;
  let lastApprovals = new Set(initial.approvals.map((a) => a.id));

  const print = (s: DeckState): void => {
    const fresh = s.logs.slice(indexOfId(s.logs, lastId) + 1);
    // The ring keeps the newest lines; say so when a burst went past it.
    const skipped = s.logTotal - lastTotal - fresh.length;
    if (skipped > 0) write(`… ${skipped} line${skipped === 1 ? '' : 's'} not shown (all are in .agentdeck/state.db)`);
    // Log lines are data (test output, titles): printed inert, like `run` prints them.
    for (const l of fresh) write(formatEvent({ ...l, message: inertLine(l.message) }));
    if (fresh.length) lastId = fresh[fresh.length - 1]?.id ?? lastId;
    lastTotal = s.logTotal;
    for (const a of s.approvals) {
      if (!lastApprovals.has(a.id)) write(`[APPROVAL] ⚑ ${a.id} waits for you: ${inert(a.summary)} (agentdeck run "approve ${a.id}")`);
    }
    lastApprovals = new Set(s.approvals.map((a) => a.id));
  };

  if (options.replay) print(initial);
  return store.subscribe(print);
}
