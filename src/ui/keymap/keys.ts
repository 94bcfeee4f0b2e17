// Turns Ink's (input, key) pair into the key names the keymap registry speaks: 'j', 'G', 'enter',
// 'esc', 'tab', 'S-tab', 'up', 'pgdn', 'C-c'. Help shows the same names through `keyLabel`.
import type { Key } from 'ink';

export function keyNames(input: string, key: Key): string[] {
  const arrow = key.upArrow ? 'up' : key.downArrow ? 'down' : key.leftArrow ? 'left' : key.rightArrow ? 'right' : null;
  if (arrow) return [key.ctrl ? `C-${arrow}` : key.meta ? `M-${arrow}` : arrow];
  if (key.return) return ['enter'];
  if (key.escape) return ['esc'];
  if (key.tab) return key.shift ? ['S-tab'] : ['tab'];
  if (key.backspace) return [key.meta ? 'M-backspace' : 'backspace'];
  if (key.delete) return ['delete'];
  if (key.pageUp) return ['pgup'];
  if (key.pageDown) return ['pgdn'];
  if (key.home) return ['home'];
  if (key.end) return ['end'];
  if (key.ctrl && input.length === 1 && /[a-z]/i.test(input)) return [`C-${input.toLowerCase()}`];
  // Alt+letter arrives as ESC then the letter; Ink strips the ESC and sets meta.
  if (key.meta && input.length === 1 && /[a-z]/i.test(input)) return [`M-${input.toLowerCase()}`];
  if (input.length === 0) return [];
  // A single character; the dispatcher splits a chunk of several into keys first.
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
  delete: 'Delete',
  'M-backspace': 'Alt+Backspace',
  'C-left': 'Ctrl+←',
  'C-right': 'Ctrl+→',
  'M-left': 'Alt+←',
  'M-right': 'Alt+→',
};

export function keyLabel(name: string): string {
  if (LABELS[name]) return LABELS[name];
  if (/^C-[a-z]$/.test(name)) return `Ctrl+${name.slice(2).toUpperCase()}`;
  if (/^M-[a-z]$/.test(name)) return `Alt+${name.slice(2).toUpperCase()}`;
  return name;
}
