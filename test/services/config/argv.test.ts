import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../../src/services/config/argv.js';

describe('splitCommand', () => {
  it.each([
    ['npm test', ['npm', 'test']],
    ['  npx   vitest run  ', ['npx', 'vitest', 'run']],
    [`node -e 'console.log(1)'`, ['node', '-e', 'console.log(1)']],
    ['echo "a \\"b\\" c"', ['echo', 'a "b" c']],
    ['a\\ b c', ['a b', 'c']],
    ['x"y z"w', ['xy zw']],
    ['cmd ""', ['cmd', '']],
  ])('%s', (input, argv) => {
    expect(splitCommand(input)).toEqual({ ok: true, argv });
  });

  it.each([
    ['npm test && npm run build', '"&" is shell syntax'],
    ['ls | wc', '"|" is shell syntax'],
    ['echo $(whoami)', '"$" is shell syntax'],
    ['a; b', '";" is shell syntax'],
    ['echo `id`', '"`" is shell syntax'],
    ["echo 'open", 'single quote is never closed'],
    ['echo "open', 'double quote is never closed'],
    ['   ', 'the command is empty'],
  ])('refuses %s', (input, error) => {
    const r = splitCommand(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(error);
  });

  it('keeps operators that are quoted', () => {
    expect(splitCommand('grep "a|b" \'c;d\'')).toEqual({ ok: true, argv: ['grep', 'a|b', 'c;d'] });
  });
});
