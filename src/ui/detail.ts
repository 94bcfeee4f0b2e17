// The lines of the detail view of a ticket or run: what the state db holds (steps by phase with
// their gates, approvals, last log lines), and the result lines of the last command run on it
// (a staged diff, a table) when there are some.
import type { DetailDoc } from '../store/ui-detail.js';
import type { DeckState } from '../store/types.js';
import { paint } from './format/text.js';
import type { Detail, Outcome } from './state/ui-store.js';

export function detailLines(detail: Detail, deck: DeckState, doc: DetailDoc | null, outcome: Outcome | null): string[] {
  if (detail.kind === 'outcome') return outcomeLines(outcome);
  const lines: string[] = [];
  if (doc) {
    for (const section of doc.sections) {
      lines.push(paint('bold', section.title), ...section.lines, '');
    }
  } else {
    // No state db (tests with a bare store): what the store knows.
    if (detail.kind === 'ticket') {
      const t = deck.tickets.find((x) => x.id === detail.id);
      lines.push(paint('bold', detail.id), t ? `  ${t.title} · ${t.kind} · ${t.priority} · ${t.status}` : '  not in the store', '');
    } else {
      const r = deck.runs.find((x) => x.id === detail.id);
      lines.push(paint('bold', `Run ${detail.id}`), r ? `  ${r.line} · ${r.status}${r.phase ? ` · ${r.phase}` : ''}` : '  not in the store', '');
    }
  }
  for (const a of deck.approvals.filter((x) => x.runId === detail.id || x.ticketId === detail.id)) {
    lines.push(paint('yellow', `⚑ ${a.id} waits for you: ${a.summary} → ${a.target}   (a approves, x rejects)`));
  }
  const related =
    outcome && outcome.lines.length > 0 && (outcome.runId === detail.id || outcome.line.toUpperCase().includes(detail.id.toUpperCase()));
  if (related) lines.push('', paint('bold', `Result of "${outcome.line}"`), ...outcome.lines.map((l) => `  ${diffPaint(l)}`));
  return lines;
}

/** The last command's result, whole: the status line has room for one line of it. */
function outcomeLines(o: Outcome | null): string[] {
  if (!o) return ['No command has run yet.'];
  return [
    paint('bold', `Result of "${o.line}"`),
    `  ${o.status}${o.runId ? ` · ${o.runId}` : ''}`,
    '',
    ...o.message.split('\n'),
    ...(o.lines.length > 0 ? ['', ...o.lines.map(diffPaint)] : []),
  ];
}

/** Colours unified-diff lines. */
function diffPaint(line: string): string {
  if (line.startsWith('+') && !line.startsWith('+++')) return paint('green', line);
  if (line.startsWith('-') && !line.startsWith('---')) return paint('red', line);
  if (line.startsWith('@@')) return paint('cyan', line);
  return line;
}
