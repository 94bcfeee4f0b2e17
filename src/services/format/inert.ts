// Text that came from data (ticket titles, log lines, test and deploy output, an echoed command
// line) made inert for a terminal: the one rule behind both the dashboard and headless output.
//
// A terminal acts on control characters: ESC starts CSI/OSC sequences (clear the screen, set the
// clipboard with OSC 52, forge hyperlinks with OSC 8, retitle the window), C1 codes do the same in
// one byte on some terminals, BEL rings, CR and backspace overwrite what was already printed, and
// bidi overrides reorder what the reader sees. Each one is shown as its `\uXXXX` escape instead,
// so the reader sees that it was there and nothing acts on it. Tabs stay (harmless; a caller that
// lays out columns replaces them). The escape is JSON's own, so a JSON text stays valid JSON with
// the same value after this (JSON.stringify leaves C1 and bidi characters raw).

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escape = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The text with every control character (tab aside) shown as its `\uXXXX` escape. */
export function inert(text: string): string {
  return text.replace(CONTROL, escape);
}

/** Multi-line text as inert lines: split at line ends (a CR before LF is a line end too). */
export function inertLines(text: string): string[] {
  return text.split(/\r?\n/).map(inert);
}

/** Text as one inert line: line ends become spaces (a message must not forge the next line). */
export function inertLine(text: string): string {
  return inert(text.replace(/\r?\n/g, ' '));
}
