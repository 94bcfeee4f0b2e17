// Splits a prompt line into tokens, shell-like but forgiving of apostrophes in plain words.
//
// Rules:
// - Tokens are separated by whitespace (space, tab, newline, no-break space).
// - A quote (' or ") opens a quoted section only at the start of a token, right after `=`
//   (`--name="a b"`, `key='x y'`) or right after a closing quote; elsewhere it is a plain
//   character, so `can't` and `O'Brien` need no escaping. An unclosed quote is an error.
// - Inside double quotes `\"` and `\\` are escapes; inside single quotes `\'` and `\\` are.
// - Outside quotes a backslash escapes whitespace, a quote or a backslash; before anything
//   else it is kept (`C:\path`).

export interface Token {
  readonly value: string;
  /** Any part was quoted or escaped: never a command word. */
  readonly quoted: boolean;
  /** The first character was quoted or escaped: never a flag. */
  readonly startsQuoted: boolean;
  /** Offsets into the input: [start, end). */
  readonly start: number;
  readonly end: number;
}

export type TokenizeResult =
  | { readonly ok: true; readonly tokens: readonly Token[] }
  | { readonly ok: false; readonly error: string; readonly tokens: readonly Token[]; readonly open: { readonly quote: string; readonly start: number; readonly value: string } };

const SPACE = new Set([9, 10, 11, 12, 13, 32, 0xa0, 0x2028, 0x2029, 0x3000]);

export function isSpace(code: number): boolean {
  return SPACE.has(code) || (code >= 0x2000 && code <= 0x200a);
}

function isQuote(ch: string): boolean {
  return ch === '"' || ch === "'";
}

export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let value = '';
    let quoted = false;
    let startsQuoted = false;
    let canOpen = true;
    while (i < n && !isSpace(text.charCodeAt(i))) {
      const ch = text[i]!;
      if (isQuote(ch) && canOpen) {
        if (value === '') startsQuoted = true;
        quoted = true;
        const quoteStart = i;
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '\\' && i + 1 < n && (text[i + 1] === ch || text[i + 1] === '\\')) {
            value += text[i + 1];
            i += 2;
          } else if (c === ch) {
            closed = true;
            i++;
            break;
          } else {
            value += c;
            i++;
          }
        }
        if (!closed) {
          const escaped = ch === '"' ? '\\"' : "\\'";
          return {
            ok: false,
            tokens,
            open: { quote: ch, start: quoteStart, value },
            error: `unclosed ${ch} quote at column ${quoteStart + 1}: add the closing ${ch} or escape it as ${escaped}`,
          };
        }
        canOpen = true;
        continue;
      }
      if (ch === '\\' && i + 1 < n) {
        const next = text[i + 1]!;
        if (isSpace(next.charCodeAt(0)) || isQuote(next) || next === '\\') {
          if (value === '') startsQuoted = true;
          quoted = true;
          value += next;
          i += 2;
          canOpen = false;
          continue;
        }
      }
      value += ch;
      canOpen = ch === '=';
      i++;
    }
    tokens.push({ value, quoted, startsQuoted, start, end: i });
  }
  return { ok: true, tokens };
}
