// The shared `--output table|json|yaml` formatter.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderJson, renderOutput, renderRecord, renderTable, renderYaml } from '../../../src/services/format/output.js';

interface Row {
  id: string;
  size: number | null;
  tags: string[];
  at: Date;
}

const rows: Row[] = [
  { id: 'bk-1', size: 1024, tags: ['a', 'b'], at: new Date('2026-11-20T10:00:00Z') },
  { id: 'bk-22', size: null, tags: [], at: new Date('2026-11-21T10:00:00Z') },
];
const columns = [
  { header: 'id', value: 'id' as const },
  { header: 'size', value: 'size' as const },
  { header: 'tags', value: 'tags' as const },
  { header: 'when', value: (r: Row) => r.at },
  { header: 'note', value: () => 'x'.repeat(80), max: 10 },
];

describe('output', () => {
  it('aligns a table with upper-case headers, dashes for nothing and cut long cells', () => {
    expect(renderTable(rows, columns)).toEqual([
      'ID     SIZE  TAGS  WHEN                      NOTE',
      'bk-1   1024  a, b  2026-11-20T10:00:00.000Z  xxxxxxxxx…',
      'bk-22  -           2026-11-21T10:00:00.000Z  xxxxxxxxx…',
    ]);
    expect(renderTable([], columns, '(none yet)')).toEqual(['(none yet)']);
  });

  it('prints a record as aligned key/value lines, objects as JSON', () => {
    expect(renderRecord({ id: 'bk-1', verified: true, meta: { a: 1 }, multi: 'two\nlines' })).toEqual([
      'id        bk-1',
      'verified  true',
      'meta      {"a":1}',
      'multi     two lines',
    ]);
  });

  it('json and yaml print the data whole and parse back', () => {
    const data = { backups: rows, n: 10n };
    expect(JSON.parse(renderJson(data).join('\n'))).toEqual({ backups: JSON.parse(JSON.stringify(rows)), n: '10' });
    expect(parse(renderYaml(data).join('\n'))).toEqual({ backups: JSON.parse(JSON.stringify(rows)), n: '10' });
    expect(renderYaml(undefined)).toEqual(['null']);
  });

  it('chooses by format', () => {
    expect(renderOutput('table', rows, { rows, columns })[0]).toMatch(/^ID/);
    expect(renderOutput('table', {}, { record: { a: 1 } })).toEqual(['a  1']);
    expect(renderOutput('json', { a: 1 }, { record: {} })).toEqual(['{', '  "a": 1', '}']);
    expect(renderOutput('yaml', { a: 1 }, { record: {} })).toEqual(['a: 1']);
  });
});
