// The parser's last line of defence: an unexpected exception inside becomes a usage error.
import { describe, expect, it, vi } from 'vitest';
import type * as Tokenize from '../../src/commands/tokenize.js';

vi.mock('../../src/commands/tokenize.js', async (importOriginal) => {
  const real = await importOriginal<typeof Tokenize>();
  return {
    ...real,
    tokenize: (text: string) => {
      if (text.includes('explode')) throw new Error('tokenizer\nfailure');
      return real.tokenize(text);
    },
  };
});

const { parse } = await import('../../src/commands/parse.js');

describe('parse when something inside throws', () => {
  it('returns one error line instead of throwing', () => {
    const r = parse('create ticket explode');
    expect(r).toEqual({ ok: false, error: 'could not read the command (tokenizer failure): type "help" for the list of commands' });
    expect(parse('create ticket fine')).toMatchObject({ ok: true, kind: 'command' });
  });
});
