// The one keyboard dispatcher: every key goes through here, is looked up in the keymap for the
// current mode, and runs at most one action. A chunk of several characters (key repeat, keys
// typed faster than a frame, `tmux send-keys`) is split into its keys, each dispatched in the mode
// the one before it left, so `jjjj` moves four rows and `:status` opens the prompt and types into
// it. Keys no binding claims are typed into the line being edited when they are text; an unbound
// Ctrl or Alt key is never typed as its letter.
import type { Key } from 'ink';
import type { Mode } from '../state/ui-store.js';
import { findBinding, type Actions } from './bindings.js';
import { keyNames } from './keys.js';

export interface InputActions extends Actions {
  /** Types text into the line being edited; false when no line is (nothing typed). */
  insert(text: string): boolean;
}

/** Returns true when an action consumed the key. */
export function dispatchKey(mode: Mode, input: string, key: Key, actions: Actions): boolean {
  const names = keyNames(input, key);
  const binding = findBinding(mode, names);
  if (!binding) return false;
  actions[binding.action](input, names);
  return true;
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** One character of a plain chunk as the key it is (Enter and Tab can sit inside typed text). */
function keyOf(ch: string): Key {
  if (ch === '\r' || ch === '\n') return { ...NO_KEY, return: true };
  if (ch === '\t') return { ...NO_KEY, tab: true };
  return { ...NO_KEY, shift: /^[A-Z]$/.test(ch) };
}

const isModified = (key: Key): boolean =>
  key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end || key.return || key.escape || key.tab || key.backspace || key.delete;

export function dispatchInput(mode: () => Mode, input: string, key: Key, actions: InputActions): void {
  if (!isModified(key) && [...input].length > 1) {
    let rest = input;
    while (rest.length > 0) {
      // Once a line is being edited, the rest of the chunk is typed text (a paste, typed-ahead lines).
      if (actions.insert(rest)) return;
      const ch = [...rest][0]!;
      rest = rest.slice(ch.length);
      const k = keyOf(ch);
      dispatchKey(mode(), k.return || k.tab ? '' : ch, k, actions);
    }
    return;
  }
  if (dispatchKey(mode(), input, key, actions)) return;
  if (!key.ctrl && !key.meta && input.length > 0) actions.insert(input);
}
