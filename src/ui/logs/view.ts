// What the log pane shows: the filtered lines, and of them only the visible slice, joined into one
// string (one <Text> of joined lines costs about half of one <Text> per line, and hidden lines
// would still be laid out). Only the visible slice is ever formatted when no filter is set.
import { formatEvent, formatTime } from '../../services/events/format.js';
import type { Level } from '../../services/events/types.js';
import type { LogLine } from '../../store/types.js';
import type { FoundLogs } from '../state/ui-store.js';
import { isEmptyFilter, matchesFilter, parseFilter, type LogFilter } from '../../services/events/filter.js';
import { paint, truncate, type Paint } from '../format/text.js';

export const LEVEL_PAINT: Record<Level, Paint> = {
  debug: 'gray',
  info: 'plain',
  success: 'green',
  warn: 'yellow',
  error: 'red',
};

/** `[AGENT] ✓ message` on one line, without colour; cached per line object. */
const textCache = new WeakMap<LogLine, string>();
export function lineText(line: LogLine): string {
  let text = textCache.get(line);
  if (text === undefined) {
    text = formatEvent(line).replace(/[\r\n\t]+/g, ' ');
    textCache.set(line, text);
  }
  return text;
}

export function filterLines(lines: readonly LogLine[], filter: LogFilter): readonly LogLine[] {
  if (isEmptyFilter(filter)) return lines;
  return lines.filter((l) => matchesFilter(filter, l, lineText(l)));
}

/**
 * The lines the filter text keeps: with `found` (the filter applied, history searched), the stored
 * matches and then the live lines that arrived since. The controller (the store's newest lines) and
 * the log pane (its throttled copy) both ask on every keystroke, so an answer is kept per lines array.
 */
const filtered = new WeakMap<readonly LogLine[], { text: string; found: FoundLogs | null; result: readonly LogLine[] }>();
export function filterLogs(lines: readonly LogLine[], text: string, found: FoundLogs | null = null): readonly LogLine[] {
  const history = found && found.filter === text ? found : null;
  const hit = filtered.get(lines);
  if (hit && hit.text === text && hit.found === history) return hit.result;
  const filter = parseFilter(text);
  const result = history ? [...history.lines, ...filterLines(lines.slice(indexOfId(lines, history.liveFrom) + 1), filter)] : filterLines(lines, filter);
  filtered.set(lines, { text, found: history, result });
  return result;
}

/** Index of the last line whose id is <= id (lines are in id order), or -1. */
export function indexOfId(lines: readonly LogLine[], id: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((lines[mid]?.id ?? 0) <= id) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export interface LogWindow {
  readonly start: number;
  /** Index one past the last visible line. */
  readonly end: number;
  readonly following: boolean;
  /** Lines below the window (arrived since the view paused). */
  readonly below: number;
}

/** `anchor` is the id of the bottom visible line while paused, or null to follow the tail. */
export function windowOf(lines: readonly LogLine[], anchor: number | null, height: number): LogWindow {
  const total = lines.length;
  let end = total;
  if (anchor !== null) end = Math.max(Math.min(indexOfId(lines, anchor) + 1, total), Math.min(height, total));
  const start = Math.max(0, end - height);
  return { start, end, following: anchor === null, below: total - end };
}

/** The anchor after scrolling `delta` lines (negative: back in time); null follows the tail. */
export function scrollAnchor(lines: readonly LogLine[], anchor: number | null, height: number, delta: number): number | null {
  const { end } = windowOf(lines, anchor, height);
  const next = Math.max(Math.min(height, lines.length), end + delta);
  if (next >= lines.length) return null;
  return lines[next - 1]?.id ?? null;
}

/** The anchor that brings line `index` into a window of `height`, keeping the view still when it already is. */
export function revealAnchor(lines: readonly LogLine[], anchor: number | null, height: number, index: number): number | null {
  const win = windowOf(lines, anchor, height);
  if (index >= win.start && index < win.end) return anchor ?? lines[win.end - 1]?.id ?? null;
  const end = index < win.start ? Math.min(lines.length, index + height) : index + 1;
  return lines[end - 1]?.id ?? null;
}

export function renderLines(lines: readonly LogLine[], win: LogWindow, width: number, selectedId: number | null): string {
  const out: string[] = [];
  for (let i = win.start; i < win.end; i++) {
    const line = lines[i];
    if (!line) continue;
    const time = formatTime(line.ts);
    const body = truncate(lineText(line), Math.max(0, width - time.length - 1));
    if (line.id === selectedId) out.push(paint('inverse', `${time} ${body}`));
    else out.push(`${paint('gray', time)} ${paint(LEVEL_PAINT[line.level], body)}`);
  }
  return out.join('\n');
}
