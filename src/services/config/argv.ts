// Splits a configured command string into argv without a shell: whitespace separates words,
// single quotes are literal, double quotes allow \" and \\, a backslash escapes one character.
// Shell operators are refused rather than passed on as words nobody would interpret.

export type SplitResult = { ok: true; argv: string[] } | { ok: false; error: string };

const OPERATORS = new Set(['|', '&', ';', '<', '>', '`', '(', ')']);

export function splitCommand(command: string): SplitResult {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: 'the single quote is never closed' };
      word += command.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '\\' && (command[j + 1] === '"' || command[j + 1] === '\\')) j++;
        word += command[j];
      }
      if (j >= command.length) return { ok: false, error: 'the double quote is never closed' };
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else if (OPERATORS.has(c) || (c === '$' && command[i + 1] === '(')) {
      return {
        ok: false,
        error: `"${c}" is shell syntax; commands run without a shell (write several commands as a list)`,
      };
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(word);
  if (argv.length === 0) return { ok: false, error: 'the command is empty' };
  return { ok: true, argv };
}
