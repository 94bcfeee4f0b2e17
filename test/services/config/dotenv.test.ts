import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../../src/services/config/dotenv.js';

describe('parseDotenv', () => {
  it('reads plain, quoted, exported and commented lines', () => {
    const { values, warnings } = parseDotenv(
      [
        '# a comment',
        '',
        'PLAIN=value',
        'SPACED =  padded value  ',
        'export EXPORTED=yes',
        'INLINE=abc # trailing comment',
        'HASH_IN_VALUE=abc#def',
        "SINGLE='literal \\n $HOME # not a comment'",
        'DOUBLE="line1\\nline2 \\"quoted\\" \\\\ end"',
        'EMPTY=',
        'URL=postgres://u:p@h:5432/db?sslmode=require',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(values).toEqual({
      PLAIN: 'value',
      SPACED: 'padded value',
      EXPORTED: 'yes',
      INLINE: 'abc',
      HASH_IN_VALUE: 'abc#def',
      SINGLE: 'literal \\n $HOME # not a comment',
      DOUBLE: 'line1\nline2 "quoted" \\ end',
      EMPTY: '',
      URL: 'postgres://u:p@h:5432/db?sslmode=require',
    });
  });

  it('reads a double-quoted value that spans lines, with CRLF endings and a BOM', () => {
    const { values } = parseDotenv('\uFEFFKEY="-----BEGIN-----\r\nabc\r\n-----END-----"\r\nNEXT=1\r\n');
    expect(values.KEY).toBe('-----BEGIN-----\nabc\n-----END-----');
    expect(values.NEXT).toBe('1');
  });

  it('reports bad lines by number without echoing their text, and keeps the good ones', () => {
    const { values, warnings } = parseDotenv('GOOD=1\nsk-ant-secretvalue-without-key\n1BAD=2\nALSO_GOOD=3', '.env');
    expect(values).toEqual({ GOOD: '1', ALSO_GOOD: '3' });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^\.env:2: expected KEY=VALUE/);
    expect(warnings[1]).toMatch(/^\.env:3: .*not a variable name/);
    expect(warnings.join('\n')).not.toContain('sk-ant-secretvalue');
  });

  it('stops at a quote that is never closed and says which variable', () => {
    const { values, warnings } = parseDotenv('A=1\nB="open\nC=3');
    expect(values).toEqual({ A: '1' });
    expect(warnings).toEqual(['.env:2: B: the double quote is never closed']);
  });

  it('later lines win over earlier ones', () => {
    expect(parseDotenv('K=1\nK=2').values.K).toBe('2');
  });
});
