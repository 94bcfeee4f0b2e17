// The one keyboard dispatcher: every key goes through here, is looked up in the keymap for the
// current mode, and runs at most one action. Keys no binding claims are left to the text input
// that has focus in prompt, filter and typed-confirmation dialogs.
import type { Key } from 'ink';
import type { Mode } from '../state/ui-store.js';
import { findBinding, type Actions } from './bindings.js';
import { keyNames } from './keys.js';

/** Returns true when an action consumed the key. */
export function dispatchKey(mode: Mode, input: string, key: Key, actions: Actions): boolean {
  const names = keyNames(input, key);
  const binding = findBinding(mode, names);
  if (!binding) return false;
  actions[binding.action](input, names);
  return true;
}
