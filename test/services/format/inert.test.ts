// The one rule that makes text from data inert for a terminal (the dashboard and `run` share it).
import { describe, expect, it } from 'vitest';
import { inert, inertLine, inertLines } from '../../../src/services/format/inert.js';

describe('inert', () => {
  it('shows every C0 control (tab aside), DEL, C1 and bidi control as its escape', () => {
    for (let cp = 0; cp < 0x20; cp++) {
      const expected = cp === 0x09 ? '\t' : `\\u${cp.toString(16).padStart(4, '0')}`;
      expect(inert(String.fromCharCode(cp))).toBe(expected);
    }
    for (let cp = 0x7f; cp <= 0x9f; cp++) expect(inert(String.fromCharCode(cp))).toBe(`\\u00${cp.toString(16)}`);
    for (const cp of [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(inert(String.fromCharCode(cp))).toBe(`\\u${cp.toString(16).padStart(4, '0')}`);
    }
  });

  it('leaves printable text alone, wide and combining characters included', () => {
    const text = 'Déploiement 日本語 ✓ 🚀 e\u0301 [STAGE] 100% "quoted" \\u001b as typed';
    expect(inert(text)).toBe(text);
  });

  it('turns OSC 52, OSC 8, a screen clear and a CR overwrite into visible text', () => {
    expect(inert('a\x1b]52;c;ZXZpbA==\x07b')).toBe('a\\u001b]52;c;ZXZpbA==\\u0007b');
    expect(inert('\x1b]8;;http://x\x07link\x1b]8;;\x07')).toBe('\\u001b]8;;http://x\\u0007link\\u001b]8;;\\u0007');
    expect(inert('\x1b[2Jok\rfake')).toBe('\\u001b[2Jok\\u000dfake');
  });

  it('keeps a JSON text valid, with the same value (JSON.stringify leaves C1 and bidi raw)', () => {
    const value = { title: 'x\x9b2J\u202eevil\x1b[31m\x7f', n: 1 };
    const json = JSON.stringify(value);
    expect(json).toMatch(/[\x7f-\x9f\u202e]/);
    const safe = inert(json);
    // eslint-disable-next-line no-control-regex -- control characters are the point
    expect(safe).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
    expect(JSON.parse(safe)).toEqual(value);
  });

  it('splits lines at LF and CRLF; one line turns line ends into spaces', () => {
    expect(inertLines('a\r\nb\nc\rd')).toEqual(['a', 'b', 'c\\u000dd']);
    expect(inertLine('ok\n[STAGE] ✓ forged\r\nline')).toBe('ok [STAGE] ✓ forged line');
  });
});
