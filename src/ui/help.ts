// The help overlay's lines, generated from the live keymap and the command registry, so help
// always says what the keys and commands really do.
import { BINDINGS, type Binding } from './keymap/bindings.js';
import { keyLabel } from './keymap/keys.js';
import { paint } from './format/text.js';
import { MODES, type Mode } from './state/ui-store.js';

const MODE_TITLES: Record<Mode, string> = {
  normal: 'Dashboard keys',
  prompt: 'At the prompt',
  filter: 'Typing a log filter',
  dialog: 'In a dialog',
  help: 'In help',
  detail: 'In a detail view',
};

function bindingLine(b: Binding): string {
  const keys = b.keys.map(keyLabel).join(' ');
  return `  ${paint('cyan', keys.padEnd(22))} ${b.help}`;
}

export function keymapLines(bindings: readonly Binding[] = BINDINGS): string[] {
  const lines: string[] = [];
  for (const mode of Object.keys(MODE_TITLES) as Mode[]) {
    // Keys that work in every mode are listed once, with the dashboard keys.
    const list = bindings.filter((b) => !b.group && b.modes.includes(mode) && (mode === 'normal' || b.modes.length < MODES.length));
    if (list.length === 0) continue;
    lines.push(paint('bold', MODE_TITLES[mode]));
    for (const b of list) lines.push(bindingLine(b));
    lines.push('');
  }
  const editing = bindings.filter((b) => b.group === 'line');
  if (editing.length > 0) {
    lines.push(paint('bold', 'Editing a line (the prompt, the filter, a typed confirmation)'));
    for (const b of editing) lines.push(bindingLine(b));
    lines.push('');
  }
  return lines;
}

/**
 * Keys first, then the registry's command overview (the same one `agentdeck --help` prints;
 * `overview` is CommandsApi.overview).
 */
export function helpLines(width: number, overview: (width: number) => readonly string[]): string[] {
  return [
    ...keymapLines(),
    paint('bold', 'Commands (after @ or :, with or without "@agent "; "help <command>" shows one in full)'),
    ...overview(Math.max(40, width - 4)),
  ];
}
