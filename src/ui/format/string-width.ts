// The terminal width of a string, exactly as the string-width package computes it, with a fast
// path. Ink and its text helpers call string-width for every text node, and on a frame's first
// draw for every cell; for any string that is not plain ASCII it segments graphemes and runs
// Unicode property regexes, which made text measuring the largest part of the first frame.
// The build (scripts/build.mjs) points Ink's `string-width` imports here.
import realStringWidth, { type Options } from 'string-width';

/**
 * Characters that string-width counts as one column each, whatever their neighbours (no marks,
 * joiners, variation selectors or emoji-presentation characters): printable ASCII, Latin
 * letters and punctuation, general punctuation, arrows, box drawing, block elements, geometric
 * shapes, braille, and the few symbols the dashboard draws. test/ui/string-width.test.ts checks
 * every one of them against string-width itself.
 */
export const NARROW_RUN = /^[\u0020-\u007E\u00A0-\u00AC\u00AE-\u02FF\u2010-\u2027\u2030-\u205E\u2190-\u21FF\u2500-\u25FC\u25FF\u2800-\u28FF\u23F8\u2691\u26A0\u2713-\u2717\u29D7]*$/;

/** Colour and style codes (SGR), which take no column; any other escape goes to string-width. */
// eslint-disable-next-line no-control-regex -- ESC starts every code
const SGR = /\u001B\[[0-9;]*m/g;

export default function stringWidth(input: string, options?: Options): number {
  if (options === undefined && typeof input === 'string') {
    const text = input.includes('\u001B') ? input.replace(SGR, '') : input;
    if (NARROW_RUN.test(text)) return text.length;
  }
  return realStringWidth(input, options);
}
