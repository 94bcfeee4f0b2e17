// The registry as a tree of command words, for longest-match parsing and completion.
import type { Command } from './define.js';
import { COMMANDS } from './registry.js';

export interface WordNode {
  /** The words from the root to here: ['backup', 'schedule']. */
  readonly path: readonly string[];
  readonly children: Map<string, WordNode>;
  command?: Command;
}

let root: WordNode | undefined;

/** Built on first use. */
export function commandTree(): WordNode {
  if (root) return root;
  const top: WordNode = { path: [], children: new Map() };
  for (const command of COMMANDS) {
    let node = top;
    for (const word of command.words) {
      let child = node.children.get(word);
      if (!child) {
        child = { path: [...node.path, word], children: new Map() };
        node.children.set(word, child);
      }
      node = child;
    }
    node.command = command;
  }
  root = top;
  return top;
}

/** Every command at or below a node, in registry order. */
export function commandsUnder(node: WordNode): Command[] {
  const prefix = node.path.join(' ');
  return COMMANDS.filter((c) => prefix === '' || c.id === prefix || c.id.startsWith(`${prefix} `));
}
