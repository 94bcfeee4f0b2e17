// Small text helpers for lines built outside <Text> props: ANSI colour and width-safe truncation.
import { inert } from '../../services/format/inert.js';

export type Paint = 'plain' | 'gray' | 'green' | 'yellow' | 'red' | 'cyan' | 'magenta' | 'bold' | 'inverse';

const SGR: Record<Exclude<Paint, 'plain'>, [number, number]> = {
  gray: [90, 39],
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  bold: [1, 22],
  inverse: [7, 27],
};

export function paint(style: Paint, text: string): string {
  if (style === 'plain' || text.length === 0) return text;
  const [on, off] = SGR[style];
  return `\u001B[${on}m${text}\u001B[${off}m`;
}

const SGR_PATTERN = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/** The text without colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(SGR_PATTERN, '');
}

/** Characters that take two terminal columns (CJK, most emoji). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** The start of an id (BUG-2026-001, RUN-0003, APR-0001) left at the end of a cut line. */
const PART_ID = /\b(?:BUG|FEAT|TASK|RUN|APR)(?:-[\d-]*)?$/;

/** A cut never leaves part of an id: the line ends before the id instead (ids are whole or absent). */
function cutAt(kept: string): string {
  const part = PART_ID.exec(kept);
  return `${part ? kept.slice(0, part.index).trimEnd() : kept}…`;
}

/** Cuts plain text to at most `width` columns, ending with `…` when cut; never inside an id. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  // Fast path: printable ASCII, one column a character.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length <= width ? text : cutAt(text.slice(0, width - 1));
  let cols = 0;
  let out = '';
  // Control characters never reach the screen: shown as escapes (the rule headless output shares).
  for (const ch of inert(text).replaceAll('\t', ' ')) {
    const cp = ch.codePointAt(0) ?? 0;
    const w = isWide(cp) ? 2 : 1;
    if (cols + w > width) {
      // Make room for the ellipsis.
      while (cols + 1 > width && out.length > 0) {
        const last = [...out].pop() ?? '';
        out = out.slice(0, out.length - last.length);
        cols -= isWide(last.codePointAt(0) ?? 0) ? 2 : 1;
      }
      return cutAt(out);
    }
    cols += w;
    out += ch;
  }
  return out;
}

/**
 * A line as rows of at most `width` columns, broken at spaces where it can and inside a word (a
 * path, a long id list) where it must: nothing is cut. A line that fits keeps its colours; a
 * wrapped one is shown without them.
 */
export function wrapLine(text: string, width: number): string[] {
  if (width <= 0) return [text];
  const plain = stripAnsi(text);
  if (columns(plain) <= width) return [text];
  const rows: string[] = [];
  let row = '';
  let cols = 0;
  for (const word of inert(plain).replaceAll('\t', ' ').split(/(?<= )/)) {
    const w = columns(word);
    if (cols + w > width && cols > 0) {
      rows.push(row.trimEnd());
      row = '';
      cols = 0;
    }
    for (const ch of word) {
      const c = isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
      if (cols + c > width) {
        rows.push(row);
        row = '';
        cols = 0;
      }
      row += ch;
      cols += c;
    }
  }
  if (row.trimEnd() !== '' || rows.length === 0) rows.push(row.trimEnd());
  return rows;
}

/** Pads or cuts to exactly `width` columns. */
export function fit(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - columns(t)));
}

export function columns(text: string): number {
  let cols = 0;
  for (const ch of text) cols += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return cols;
}

/** "just now", "42s ago", "5m ago", "2 hours ago", "3 days ago". */
export function ago(ts: number, now: number): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return h === 1 ? '1 hour ago' : `${h} hours ago`;
  const d = Math.floor(h / 24);
  return `${d} days ago`;
}

/** "4s", "2m05s", "1h02m". */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
