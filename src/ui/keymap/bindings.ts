// THE keymap: every key the dashboard answers, per mode. The dispatcher reads it to route keys and
// the help overlay is generated from it, so what help says is what the keys do.
import { EDIT_ACTIONS } from '../line-editor/actions.js';
import type { Mode } from '../state/ui-store.js';

export const ACTIONS = [
  'help',
  'refresh',
  'logs',
  'deploy',
  'focusNext',
  'focusPrev',
  'focusPane',
  'down',
  'up',
  'top',
  'bottom',
  'pageDown',
  'pageUp',
  'open',
  'outcome',
  'approve',
  'reject',
  'filter',
  'nextMatch',
  'prevMatch',
  'prompt',
  'back',
  'quit',
  'quitNow',
  'submitPrompt',
  'historyPrev',
  'historyNext',
  'complete',
  'applyFilter',
  'dialogToggle',
  'dialogPress',
  // Line editing (readline's emacs keys) in the prompt, the filter and a typed confirmation.
  ...EDIT_ACTIONS,
  'deleteBack',
  'eofOrDelete',
  'yank',
  'reverseSearch',
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** What a key does; `input` is the raw chunk that triggered it, `keys` its key names. */
export type Actions = Record<ActionName, (input: string, keys: readonly string[]) => void>;

export interface Binding {
  readonly modes: readonly Mode[];
  readonly keys: readonly string[];
  readonly action: ActionName;
  readonly help: string;
  /** Listed in help once under its own heading rather than under every mode it works in. */
  readonly group?: 'line';
}

/** The modes with a line of text to edit (the dialog's only when it asks to type a confirmation). */
export const TEXT_MODES: readonly Mode[] = ['prompt', 'filter', 'dialog'];

const line = (keys: readonly string[], action: ActionName, help: string): Binding => ({ modes: TEXT_MODES, keys, action, help, group: 'line' });

export const BINDINGS: readonly Binding[] = [
  // Keys that work the same everywhere come first.
  { modes: ['normal', 'prompt', 'filter', 'dialog', 'help', 'detail'], keys: ['C-c'], action: 'quitNow', help: 'Quit now' },

  { modes: ['normal'], keys: ['@', ':'], action: 'prompt', help: 'Type a command (@agent ...)' },
  { modes: ['normal'], keys: ['?', 'H'], action: 'help', help: 'Help: keys and commands' },
  { modes: ['normal'], keys: ['R'], action: 'refresh', help: 'Refresh from the state db and health checks' },
  { modes: ['normal'], keys: ['L'], action: 'logs', help: 'Logs: enlarge the log pane (again: restore)' },
  { modes: ['normal'], keys: ['D'], action: 'deploy', help: 'Deploy the selected ticket (asks first)' },
  { modes: ['normal'], keys: ['tab'], action: 'focusNext', help: 'Next pane' },
  { modes: ['normal'], keys: ['S-tab'], action: 'focusPrev', help: 'Previous pane' },
  { modes: ['normal'], keys: ['1', '2', '3', '4'], action: 'focusPane', help: 'Agents, Queue, Logs, Recent activity' },
  { modes: ['normal'], keys: ['j', 'down'], action: 'down', help: 'Down (logs: scroll toward the tail)' },
  { modes: ['normal'], keys: ['k', 'up'], action: 'up', help: 'Up (logs: scroll back, pauses following)' },
  { modes: ['normal'], keys: ['g', 'home'], action: 'top', help: 'First row (logs: oldest line)' },
  { modes: ['normal'], keys: ['G', 'end'], action: 'bottom', help: 'Last row (logs: follow the tail again)' },
  { modes: ['normal'], keys: ['pgdn'], action: 'pageDown', help: 'Page down' },
  { modes: ['normal'], keys: ['pgup'], action: 'pageUp', help: 'Page up' },
  { modes: ['normal'], keys: ['enter'], action: 'open', help: 'Open the selected ticket or run' },
  { modes: ['normal'], keys: ['o'], action: 'outcome', help: 'Show the last result whole (paths, the command to run next)' },
  { modes: ['normal'], keys: ['a'], action: 'approve', help: 'Approve the selected approval (asks first)' },
  { modes: ['normal'], keys: ['x'], action: 'reject', help: 'Reject the selected approval (asks first)' },
  { modes: ['normal'], keys: ['/'], action: 'filter', help: 'Filter logs: agent:<name> level:<level> or text' },
  { modes: ['normal'], keys: ['n'], action: 'nextMatch', help: 'Next match of the filter' },
  { modes: ['normal'], keys: ['N'], action: 'prevMatch', help: 'Previous match of the filter' },
  { modes: ['normal'], keys: ['esc'], action: 'back', help: 'Clear the filter and notices' },
  { modes: ['normal'], keys: ['q'], action: 'quit', help: 'Quit (asks first while runs are active)' },

  { modes: ['prompt'], keys: ['enter'], action: 'submitPrompt', help: 'Run the command' },
  { modes: ['prompt'], keys: ['up'], action: 'historyPrev', help: 'Previous command (kept across sessions)' },
  { modes: ['prompt'], keys: ['down'], action: 'historyNext', help: 'Next command' },
  { modes: ['prompt'], keys: ['tab'], action: 'complete', help: 'Complete the command' },
  { modes: ['prompt'], keys: ['esc'], action: 'back', help: 'Leave the prompt' },

  { modes: ['filter'], keys: ['enter'], action: 'applyFilter', help: 'Keep the filter' },
  { modes: ['filter'], keys: ['esc'], action: 'back', help: 'Clear the filter' },

  { modes: ['dialog'], keys: ['tab', 'S-tab', 'left', 'right'], action: 'dialogToggle', help: 'Switch between Cancel and Confirm' },
  { modes: ['dialog'], keys: ['enter'], action: 'dialogPress', help: 'Press the focused button' },
  { modes: ['dialog'], keys: ['esc'], action: 'back', help: 'Cancel' },

  { modes: ['help', 'detail'], keys: ['j', 'down'], action: 'down', help: 'Scroll down' },
  { modes: ['help', 'detail'], keys: ['k', 'up'], action: 'up', help: 'Scroll up' },
  { modes: ['help', 'detail'], keys: ['pgdn'], action: 'pageDown', help: 'Page down' },
  { modes: ['help', 'detail'], keys: ['pgup'], action: 'pageUp', help: 'Page up' },
  { modes: ['help', 'detail'], keys: ['g', 'home'], action: 'top', help: 'Top' },
  { modes: ['help', 'detail'], keys: ['G', 'end'], action: 'bottom', help: 'Bottom' },
  { modes: ['detail'], keys: ['a'], action: 'approve', help: 'Approve the pending approval of this run' },
  { modes: ['detail'], keys: ['x'], action: 'reject', help: 'Reject the pending approval of this run' },
  { modes: ['help', 'detail'], keys: ['esc', 'q'], action: 'back', help: 'Close' },
  { modes: ['help'], keys: ['?', 'H'], action: 'back', help: 'Close' },
  { modes: ['prompt'], keys: ['C-r'], action: 'reverseSearch', help: 'Search the history back (again: older match; Enter runs, Esc cancels)' },

  // Last, so a mode's own use of a key (a dialog's ← →, the prompt's ↑ ↓) wins.
  line(['C-a', 'home'], 'lineStart', 'Start of the line'),
  line(['C-e', 'end'], 'lineEnd', 'End of the line'),
  line(['C-b', 'left'], 'charLeft', 'Back one character'),
  line(['C-f', 'right'], 'charRight', 'Forward one character'),
  line(['M-b', 'C-left', 'M-left'], 'wordLeft', 'Back one word'),
  line(['M-f', 'C-right', 'M-right'], 'wordRight', 'Forward one word'),
  line(['backspace'], 'deleteBack', 'Delete the character before the cursor'),
  line(['delete'], 'deleteForward', 'Delete the character under the cursor'),
  line(['C-d'], 'eofOrDelete', 'Delete under the cursor; on an empty line, leave'),
  line(['C-u'], 'killLineStart', 'Cut to the start of the line'),
  line(['C-k'], 'killLineEnd', 'Cut to the end of the line'),
  line(['C-w'], 'killWordBack', 'Cut the word before the cursor (up to a space)'),
  line(['M-backspace'], 'killWordBackAlnum', 'Cut back to the start of a word'),
  line(['M-d'], 'killWordForward', 'Cut to the end of the word'),
  line(['C-y'], 'yank', 'Paste the last cut'),
];

/** Finds the binding for a key in a mode; the first one listed wins. */
export function findBinding(mode: Mode, names: readonly string[], bindings: readonly Binding[] = BINDINGS): Binding | undefined {
  return bindings.find((b) => b.modes.includes(mode) && b.keys.some((k) => names.includes(k)));
}
