// A `.env` parser: KEY=VALUE lines, `export ` prefixes, '#' comments, single quotes (literal),
// double quotes (\n, \t, \", \\ escapes; may span lines), inline comments after unquoted values.
// Bad lines are reported (without their text, which may be a secret), never fatal: one broken
// line must not hide every credential.

export interface DotenvResult {
  readonly values: Record<string, string>;
  /** One line per line that could not be read: `.env:3: expected KEY=VALUE`. */
  readonly warnings: string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

export function parseDotenv(text: string, file = '.env'): DotenvResult {
  const values: Record<string, string> = {};
  const warnings: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const body = line.startsWith('export ') ? line.slice(7).trimStart() : line;
    const eq = body.indexOf('=');
    if (eq <= 0) {
      warnings.push(`${file}:${lineNo}: expected KEY=VALUE (the line is not shown: it may hold a secret)`);
      continue;
    }
    const key = body.slice(0, eq).trim();
    if (!KEY.test(key)) {
      warnings.push(`${file}:${lineNo}: the name before "=" is not a variable name (letters, digits and _, not starting with a digit)`);
      continue;
    }
    let rest = body.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      // A quoted value may continue on the following lines until its closing quote.
      let j = i;
      let close = findClose(rest, quote);
      while (close < 0 && j + 1 < lines.length) {
        j++;
        rest += '\n' + (lines[j] ?? '');
        close = findClose(rest, quote);
      }
      if (close < 0) {
        warnings.push(`${file}:${lineNo}: ${key}: the ${quote === '"' ? 'double' : 'single'} quote is never closed`);
        break;
      }
      const inner = rest.slice(1, close);
      values[key] = quote === '"' ? inner.replace(/\\([nrt"\\])/g, (_m, c: string) => ESCAPES[c] ?? c) : inner;
      i = j;
      continue;
    }
    // Unquoted: an inline comment starts at ' #'.
    const hash = rest.search(/\s#/);
    values[key] = (hash >= 0 ? rest.slice(0, hash) : rest).trim();
  }
  return { values, warnings };
}

function findClose(text: string, quote: string): number {
  for (let k = 1; k < text.length; k++) {
    const c = text[k];
    if (c === '\\' && quote === '"') {
      k++;
      continue;
    }
    if (c === quote) return k;
  }
  return -1;
}
