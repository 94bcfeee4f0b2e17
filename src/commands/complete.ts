// Tab completion for the prompt line: command words, then flags, then argument choices.
import type { Command, FlagDef } from './define.js';
import { tokenize, isSpace, type Token } from './tokenize.js';
import { commandTree, type WordNode } from './tree.js';

export interface Completion {
  /** Full replacements for the word being typed, in registry order. */
  readonly candidates: readonly string[];
  /** The longest prefix all candidates share (at least the typed word when there are any). */
  readonly common: string;
  /** Offset in the input where the word being typed starts: replace input.slice(from). */
  readonly from: number;
}

const NONE = (from: number): Completion => ({ candidates: [], common: '', from });

function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return '';
  let prefix = values[0]!;
  for (const v of values) {
    let i = 0;
    while (i < prefix.length && i < v.length && prefix[i] === v[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

function result(candidates: readonly string[], typed: string, from: number): Completion {
  const lower = typed.toLowerCase();
  const matching = [...new Set(candidates.filter((c) => c.toLowerCase().startsWith(lower)))];
  return { candidates: matching, common: commonPrefix(matching), from };
}

/** Candidates for the word before the cursor. `before` is the prompt text up to the cursor. */
export function complete(before: string): Completion {
  if (/^\s*@\S*$/.test(before)) {
    const at = before.indexOf('@');
    return result(['@agent'], before.slice(at), at);
  }
  const prefix = /^\s*@agent\s+/i.exec(before);
  const base = prefix ? prefix[0].length : 0;
  const text = before.slice(base);
  const tokenized = tokenize(text);
  if (!tokenized.ok) return NONE(before.length); // inside an open quote: free text
  const atBoundary = text === '' || isSpace(text.charCodeAt(text.length - 1));
  const tokens = tokenized.tokens;
  const done = atBoundary ? tokens : tokens.slice(0, -1);
  const current = atBoundary ? undefined : tokens[tokens.length - 1];
  if (current?.quoted) return NONE(before.length);
  const typed = current?.value ?? '';
  const from = base + (current ? current.start : text.length);

  let node = commandTree();
  let used = 0;
  for (const t of done) {
    const child = t.quoted ? undefined : node.children.get(t.value.toLowerCase());
    if (!child) break;
    node = child;
    used++;
  }
  const command = node.command;
  if (used === done.length) {
    // Still among command words: subcommands, and what the command itself takes next.
    const words = [...node.children.keys()];
    if (!command) return result(words, typed, from);
    if (typed.startsWith('-')) return afterCommand(command, [], typed, from);
    return result([...words, ...argChoices(command, [])], typed, from);
  }
  if (!command) return NONE(from);
  return afterCommand(command, done.slice(used), typed, from);
}

function flagNames(command: Command, given: readonly string[]): string[] {
  return [
    ...command.flags.filter((f) => f.type === 'list' || !given.includes(f.name)).map((f) => `--${f.name}`),
    '--help',
  ];
}

/** Choices of the positional arg that the next word fills (for `help`, command words). */
function argChoices(command: Command, positional: readonly string[]): string[] {
  if (command.id === 'help') {
    let at: WordNode | undefined = commandTree();
    for (const w of positional) at = at?.children.get(w.toLowerCase());
    return at ? [...at.children.keys()] : [];
  }
  const args = command.args;
  const index = Math.min(positional.length, args.length - 1);
  const arg = args[index];
  if (!arg || (positional.length >= args.length && arg.kind !== 'rest')) return [];
  return [...(arg.choices ?? [])];
}

function afterCommand(command: Command, tokens: readonly Token[], typed: string, from: number): Completion {
  const positional: string[] = [];
  const given: string[] = [];
  let pending: FlagDef | undefined; // a flag still waiting for its value
  let endOfFlags = false;
  for (const t of tokens) {
    if (pending) {
      pending = undefined;
      continue;
    }
    if (!endOfFlags && !t.startsQuoted && t.value === '--') {
      endOfFlags = true;
    } else if (!endOfFlags && !t.startsQuoted && t.value.startsWith('--')) {
      const name = t.value.slice(2).split('=', 1)[0]!.toLowerCase();
      given.push(name);
      const flag = command.flags.find((f) => f.name === name);
      if (flag && flag.type !== 'boolean' && !t.value.includes('=')) pending = flag;
    } else {
      positional.push(t.value);
    }
  }
  if (pending) {
    if (pending.type !== 'list') return result(pending.choices ?? [], typed, from);
    // `--methods GET,PO`: complete the last item of the list.
    const head = typed.slice(0, typed.lastIndexOf(',') + 1);
    return result((pending.choices ?? []).map((c) => head + c), typed, from);
  }
  if (!endOfFlags && typed.startsWith('--') && typed.includes('=')) {
    const name = typed.slice(2, typed.indexOf('=')).toLowerCase();
    const flag = command.flags.find((f) => f.name === name);
    return result((flag?.choices ?? []).map((c) => `--${name}=${c}`), typed, from);
  }
  if (!endOfFlags && typed.startsWith('-')) return result(flagNames(command, given), typed, from);
  return result(argChoices(command, positional), typed, from);
}

/** The prompt text after one Tab: the single candidate plus a space, or the common prefix. */
export function applyCompletion(before: string, completion: Completion): string {
  const { candidates, common, from } = completion;
  if (candidates.length === 1) return `${before.slice(0, from)}${candidates[0]!} `;
  if (common.length > before.length - from) return before.slice(0, from) + common;
  return before;
}
