// The fast path of the dashboard's string width agrees with string-width for every character it
// takes, alone and in runs, and leaves everything else to string-width.
import realStringWidth from 'string-width';
import { expect, test } from 'vitest';
import stringWidth, { NARROW_RUN } from '../../src/ui/format/string-width.js';

const fastChars = (): string[] => {
  const chars: string[] = [];
  for (let cp = 0; cp <= 0xffff; cp++) {
    const ch = String.fromCharCode(cp);
    if (NARROW_RUN.test(ch)) chars.push(ch);
  }
  return chars;
};

test('every character of the fast path is one column wide for string-width', () => {
  const chars = fastChars();
  expect(chars.length).toBeGreaterThan(1000);
  const differ = chars.filter((ch) => realStringWidth(ch) !== 1).map((ch) => `U+${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  expect(differ).toEqual([]);
});

test('runs of them are as wide as they are long, as string-width counts them', () => {
  const chars = fastChars();
  let seed = 42;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const run = Array.from({ length: 1 + (next() % 60) }, () => chars[next() % chars.length]).join('');
    expect(stringWidth(run)).toBe(realStringWidth(run));
  }
  expect(stringWidth('╭─ 1 Agents ─ · ✓ → … ⠋ ●')).toBe(realStringWidth('╭─ 1 Agents ─ · ✓ → … ⠋ ●'));
});

test('colour codes take no column, as string-width strips them', () => {
  for (const s of ['\u001B[31m✓ done\u001B[39m', '\u001B[1;36m[OPS]\u001B[22;39m · ok', '\u001B[38;5;208m→\u001B[0m', '\u001B[m']) {
    expect(stringWidth(s)).toBe(realStringWidth(s));
  }
  expect(stringWidth('\u001B[31m✓ done\u001B[39m')).toBe(6);
  // Other escapes (a hyperlink) are string-width's to read.
  const link = '\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007';
  expect(stringWidth(link)).toBe(realStringWidth(link));
});

test('everything else is string-width itself', () => {
  for (const s of ['', '日本語', '👍🏽 ok', 'e\u0301', '\u001B[31mred\u001B[39m', 'tab\there', '✅ done', '\u00AD']) expect(stringWidth(s)).toBe(realStringWidth(s));
  expect(stringWidth('··', { ambiguousIsNarrow: false })).toBe(realStringWidth('··', { ambiguousIsNarrow: false }));
  expect(stringWidth('··', { ambiguousIsNarrow: false })).toBe(4);
});
