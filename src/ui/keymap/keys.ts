// Turns Ink's (input, key) pair into the key names the keymap registry speaks: 'j', 'G', 'enter',
// 'esc', 'tab', 'S-tab', 'up', 'pgdn', 'C-c'. Help shows the same names through `keyLabel`.
import type { Key } from 'ink';

export function keyNames(input: string, key: Key): string[] {
  if (key.ctrl && input.length === 1 && /[a-z]/i.test(input)) return [`C-${input.toLowerCase()}`];
  if (key.return) return ['enter'];
  if (key.escape) return ['esc'];
  if (key.tab) return key.shift ? ['S-tab'] : ['tab'];
  if (key.upArrow) return ['up'];
  if (key.downArrow) return ['down'];
  if (key.leftArrow) return ['left'];
  if (key.rightArrow) return ['right'];
  if (key.pageUp) return ['pgup'];
  if (key.pageDown) return ['pgdn'];
  if (key.home) return ['home'];
  if (key.end) return ['end'];
  if (key.backspace || key.delete) return ['backspace'];
  if (input.length === 0) return [];
  // Several printable characters in one chunk (a paste, or keys typed faster than a frame):
  // the first one decides, and the action receives the whole chunk.
  return [[...input][0] ?? ''];
}

const LABELS: Record<string, string> = {
  enter: 'Enter',
  esc: 'Esc',
  tab: 'Tab',
  'S-tab': 'Shift-Tab',
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pgup: 'PgUp',
  pgdn: 'PgDn',
  home: 'Home',
  end: 'End',
  backspace: 'Backspace',
  'C-c': 'Ctrl+C',
};

export function keyLabel(name: string): string {
  return LABELS[name] ?? name;
}
