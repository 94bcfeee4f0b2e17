// The one formatter behind `--output table|json|yaml`: a list of records (or one record) becomes
// the lines a command result carries.
import { stringify } from 'yaml';
import { clipRedacted } from '../secrets/redact.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

export interface Column<R> {
  readonly header: string;
  /** The record's field, or a function of the record. */
  readonly value: keyof R | ((row: R) => unknown);
  /** Cut longer cells with an ellipsis (default 60). */
  readonly max?: number;
}

const MAX_CELL = 60;

function cell(v: unknown, max: number): string {
  let s: string;
  if (v === null || v === undefined) s = '-';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else if (v instanceof Date) s = v.toISOString();
  else if (Array.isArray(v)) s = v.map((x) => cell(x, max)).join(', ');
  else s = JSON.stringify(v);
  // Redacted before it is cut: half a token would not be recognised by any later redaction.
  return clipRedacted(s.replace(/\s+/g, ' '), max);
}

/** Rows as an aligned text table with a header line; an empty list says so in `empty`. */
export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[], empty = '(none)'): string[] {
  if (rows.length === 0) return [empty];
  const grid = rows.map((r) =>
    columns.map((c) => cell(typeof c.value === 'function' ? c.value(r) : r[c.value], c.max ?? MAX_CELL)),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...grid.map((g) => g[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((s, i) => s.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...grid.map(line)];
}

/** One record as `key: value` lines, keys aligned. */
export function renderRecord(record: Readonly<Record<string, unknown>>): string[] {
  const keys = Object.keys(record);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${cell(record[k], 200)}`);
}

/** JSON-safe copy: Dates as ISO strings, bigints as strings, undefined dropped. */
function plain(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown;
}

export function renderJson(value: unknown): string[] {
  return JSON.stringify(plain(value), null, 2).split('\n');
}

export function renderYaml(value: unknown): string[] {
  return stringify(plain(value)).trimEnd().split('\n');
}

/**
 * Renders `data` in the chosen format. For `table`, `rows` and `columns` give the table (or
 * `record` a key/value listing, or `lines` the lines themselves, built only when asked for);
 * json and yaml print `data` whole.
 */
export function renderOutput<R>(
  format: OutputFormat,
  data: unknown,
  view:
    | { rows: readonly R[]; columns: readonly Column<R>[]; empty?: string }
    | { record: Readonly<Record<string, unknown>> }
    | { lines: () => string[] },
): string[] {
  if (format === 'json') return renderJson(data);
  if (format === 'yaml') return renderYaml(data);
  if ('lines' in view) return view.lines();
  return 'record' in view ? renderRecord(view.record) : renderTable(view.rows, view.columns, view.empty);
}
