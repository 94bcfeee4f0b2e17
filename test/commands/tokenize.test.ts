import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/commands/tokenize.js';

function values(text: string): string[] {
  const r = tokenize(text);
  if (!r.ok) throw new Error(r.error);
  return r.tokens.map((t) => t.value);
}

describe('tokenize', () => {
  it('splits on any whitespace', () => {
    expect(values('  backup \t list\n--output  json ')).toEqual(['backup', 'list', '--output', 'json']);
    expect(values('')).toEqual([]);
    expect(values('a\u00a0b\u2003c')).toEqual(['a', 'b', 'c']);
  });

  it('reads double and single quotes with their escapes', () => {
    expect(values('create ticket "login \\"page\\" fails"')).toEqual(['create', 'ticket', 'login "page" fails']);
    expect(values("email 'don\\'t panic'")).toEqual(['email', "don't panic"]);
    expect(values('x "a\\\\b" \'c\\\\d\'')).toEqual(['x', 'a\\b', 'c\\d']);
    expect(values('x "keep \\n as is"')).toEqual(['x', 'keep \\n as is']);
    expect(values('x ""')).toEqual(['x', '']);
  });

  it('opens quotes only at a token start, after = or after a closing quote', () => {
    expect(values("it's O'Brien's")).toEqual(["it's", "O'Brien's"]);
    expect(values('--name="a b" key=\'c d\'')).toEqual(['--name=a b', 'key=c d']);
    expect(values('"a"\'b\'c')).toEqual(['abc']);
    expect(values('{"a":1}')).toEqual(['{"a":1}']);
  });

  it('lets a backslash escape whitespace, quotes and itself outside quotes, and keeps it elsewhere', () => {
    expect(values('a\\ b \\"c C:\\path end\\')).toEqual(['a b', '"c', 'C:\\path', 'end\\']);
  });

  it('marks quoted tokens so they are never command words or flags', () => {
    const line = '"status" \'--dry-run\' --x="y" \\--z plain';
    const r = tokenize(line);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.tokens.map((t) => [t.quoted, t.startsQuoted])).toEqual([
      [true, true],
      [true, true],
      [true, false],
      [false, false],
      [false, false],
    ]);
    expect(r.tokens[3]!.value).toBe('\\--z');
    expect(r.tokens[4]).toMatchObject({ start: line.indexOf('plain'), end: line.length });
  });

  it('reports an unclosed quote with its column and how to fix it', () => {
    const r = tokenize('create ticket "login broken');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBe('unclosed " quote at column 15: add the closing " or escape it as \\"');
    expect(r.open).toEqual({ quote: '"', start: 14, value: 'login broken' });
    const single = tokenize("x 'abc");
    expect(!single.ok && single.error).toContain("escape it as \\'");
  });
});
