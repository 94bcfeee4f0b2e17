// The prompt's line editing as readline's emacs mode does it, as pure functions of (text, cursor)
// so every key is testable without a terminal. Positions count UTF-16 units but never stop inside
// a surrogate pair, so an emoji moves and deletes as one character.

export interface Line {
  readonly text: string;
  readonly cursor: number;
}

/** What an edit cut, for Ctrl+Y (readline's kill ring, one entry deep). */
export interface Edited extends Line {
  readonly killed?: string;
}

const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

function prevChar(text: string, at: number): number {
  if (at <= 0) return 0;
  return at >= 2 && isLow(text.charCodeAt(at - 1)) && !isLow(text.charCodeAt(at - 2)) ? at - 2 : at - 1;
}

function nextChar(text: string, at: number): number {
  if (at >= text.length) return text.length;
  return isLow(text.charCodeAt(at + 1)) ? at + 2 : at + 1;
}

/** Letters and digits make words for Alt+B/F/D and Alt+Backspace (readline's rule). */
const WORD = /[\p{L}\p{N}_]/u;

function wordStartBefore(text: string, at: number, isWord: (ch: string) => boolean): number {
  let i = at;
  while (i > 0 && !isWord(text[i - 1]!)) i = prevChar(text, i);
  while (i > 0 && isWord(text[i - 1]!)) i = prevChar(text, i);
  return i;
}

function wordEndAfter(text: string, at: number, isWord: (ch: string) => boolean): number {
  let i = at;
  while (i < text.length && !isWord(text[i]!)) i = nextChar(text, i);
  while (i < text.length && isWord(text[i]!)) i = nextChar(text, i);
  return i;
}

const alnum = (ch: string): boolean => WORD.test(ch);
/** Ctrl+W cuts back to whitespace (unix-word-rubout), so `--ticket BUG-2026-001` goes in two. */
const nonSpace = (ch: string): boolean => !/\s/.test(ch);

const clamp = (line: Line): number => Math.max(0, Math.min(line.cursor, line.text.length));

function cut(text: string, from: number, to: number, cursor: number): Edited {
  if (from === to) return { text, cursor };
  return { text: text.slice(0, from) + text.slice(to), cursor, killed: text.slice(from, to) };
}

export const edits = {
  insert(line: Line, chars: string): Edited {
    const at = clamp(line);
    return { text: line.text.slice(0, at) + chars + line.text.slice(at), cursor: at + chars.length };
  },
  lineStart: (line: Line): Edited => ({ text: line.text, cursor: 0 }),
  lineEnd: (line: Line): Edited => ({ text: line.text, cursor: line.text.length }),
  charLeft: (line: Line): Edited => ({ text: line.text, cursor: prevChar(line.text, clamp(line)) }),
  charRight: (line: Line): Edited => ({ text: line.text, cursor: nextChar(line.text, clamp(line)) }),
  wordLeft: (line: Line): Edited => ({ text: line.text, cursor: wordStartBefore(line.text, clamp(line), alnum) }),
  wordRight: (line: Line): Edited => ({ text: line.text, cursor: wordEndAfter(line.text, clamp(line), alnum) }),
  deleteBack(line: Line): Edited {
    const at = clamp(line);
    const from = prevChar(line.text, at);
    return { text: line.text.slice(0, from) + line.text.slice(at), cursor: from };
  },
  deleteForward(line: Line): Edited {
    const at = clamp(line);
    return { text: line.text.slice(0, at) + line.text.slice(nextChar(line.text, at)), cursor: at };
  },
  killLineStart: (line: Line): Edited => cut(line.text, 0, clamp(line), 0),
  killLineEnd: (line: Line): Edited => cut(line.text, clamp(line), line.text.length, clamp(line)),
  killWordBack(line: Line): Edited {
    const at = clamp(line);
    const from = wordStartBefore(line.text, at, nonSpace);
    return cut(line.text, from, at, from);
  },
  killWordBackAlnum(line: Line): Edited {
    const at = clamp(line);
    const from = wordStartBefore(line.text, at, alnum);
    return cut(line.text, from, at, from);
  },
  killWordForward(line: Line): Edited {
    const at = clamp(line);
    return cut(line.text, at, wordEndAfter(line.text, at, alnum), at);
  },
};

export type EditName = keyof typeof edits;

/** Text a terminal delivered as typed characters: control bytes other than line breaks are dropped. */
export function printable(chunk: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control bytes is the point
  return chunk.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u001b]/g, '');
}
