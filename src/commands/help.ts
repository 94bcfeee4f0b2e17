// Help text generated from the registry: one command, a group, or the overview by first word.
import type { Command } from './define.js';
import { ALWAYS_ON_POLICY_KEYS, AGENT_NAMES } from './types.js';
import { COMMANDS, findCommand } from './registry.js';
import { commandTree, commandsUnder, type WordNode } from './tree.js';
import { argUsage, flagUsage, usageLine } from './usage.js';
import { suggestCommand } from './parse.js';

/** Words wrapped to lines of at most `width` characters, each prefixed by `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

function table(rows: readonly (readonly [string, string])[], width: number, indent = '  '): string[] {
  const col = Math.min(Math.max(...rows.map(([a]) => a.length)) + 2, 34);
  const out: string[] = [];
  for (const [left, right] of rows) {
    const wrapped = wrap(right, Math.max(width - indent.length - col, 20));
    const head = left.length + 2 > col ? [indent + left, ...wrapped.map((l) => indent + ' '.repeat(col) + l)] : [
      indent + left.padEnd(col) + (wrapped[0] ?? ''),
      ...wrapped.slice(1).map((l) => indent + ' '.repeat(col) + l),
    ];
    out.push(...head);
  }
  return out;
}

/** "databaseDestructive (typed confirmation)", or "none". */
export function approvalText(command: Command): string {
  if (!command.approval) return 'none';
  const how = command.confirm === 'typed' ? 'typed confirmation' : 'confirmation dialog';
  const always = command.alwaysAsks || ALWAYS_ON_POLICY_KEYS.includes(command.approval);
  const scope = command.approval === 'productionDeployment' && command.id === 'deploy' ? 'for production ' : '';
  return `${command.approval} (${how}${always ? `; always asked ${scope}whatever the policy says` : ''})`;
}

/** The full help of one command. */
export function renderCommandHelp(command: Command, width = 80): string[] {
  const usage = wrap(usageLine(command), width - 7).map((l, i) => (i === 0 ? `usage: ${l}` : `       ${l}`));
  const lines = [...usage, '', ...wrap(command.summary, width, '  '), ...wrap(command.help, width, '  ')];
  if (command.args.length > 0) {
    lines.push('', 'arguments:');
    lines.push(...table(command.args.map((a) => [argUsage(a), `${a.description}; accepts ${a.accepts}`] as const), width));
  }
  lines.push('', 'flags:');
  const flags = command.flags.map((f) => [flagUsage(f), `${f.description}; accepts ${f.accepts}${f.required ? ' (required)' : ''}`] as const);
  lines.push(...table([...flags, ['[--help]', 'Show this help']], width));
  lines.push('', 'examples:', ...command.examples.map((e) => `  @agent ${e}`));
  const facts = `agent: ${AGENT_NAMES[command.agent]} · approval: ${approvalText(command)} · mode: ${command.mode}`;
  lines.push('', ...wrap(`${facts}${command.destructive ? ' · destructive: destroys or overwrites data' : ''}`, width));
  return lines;
}

/** `get <id>` etc.: a command's words after `skip` words, with its args. */
function shortForm(command: Command, skip: number): string {
  return [...command.words.slice(skip), ...command.args.map(argUsage)].join(' ');
}

/** Every command, grouped by first word; groups of one command take one line. */
export function renderOverview(width = 80): string[] {
  const root = commandTree();
  const rows: string[] = [];
  const entries: [string, string][] = [];
  const flush = (): void => {
    if (entries.length > 0) rows.push(...table(entries.splice(0), width));
  };
  for (const [word, node] of groupsInOrder(root)) {
    const under = commandsUnder(node);
    if (under.length === 1) {
      entries.push([shortForm(under[0]!, 0), under[0]!.summary]);
      continue;
    }
    flush();
    rows.push(`  ${word}`);
    rows.push(...table(under.map((c) => [shortForm(c, 1), c.summary]), width, '    '));
  }
  flush();
  return rows;
}

/** Top-level groups in registry order. */
function groupsInOrder(root: WordNode): [string, WordNode][] {
  const seen = new Map<string, WordNode>();
  for (const c of COMMANDS) {
    const first = c.words[0]!;
    if (!seen.has(first)) seen.set(first, root.children.get(first)!);
  }
  return [...seen];
}

/** The overview for `agentdeck --help`. */
export function renderCommandOverview(width = 80): string {
  return [
    'Commands (in the console prompt, with or without "@agent ", or as agentdeck run "<command>"):',
    '',
    ...renderOverview(width),
    '',
    'Flags such as --output json|table|yaml, --dry-run and --level follow the command; "help <command>" or "<command> --help" shows one in full.',
  ].join('\n');
}

export type HelpTopic =
  | { readonly ok: true; readonly lines: readonly string[] }
  | { readonly ok: false; readonly error: string; readonly suggestion?: string };

/** Help for what `help [command]` names: nothing (the overview), a command, or a group. */
export function helpTopic(topic?: string, width = 80): HelpTopic {
  const words = (topic ?? '').trim().toLowerCase().split(/\s+/).filter((w) => w !== '' && w !== '@agent');
  if (words.length === 0) return { ok: true, lines: ['commands:', '', ...renderOverview(width)] };
  const command = findCommand(words.join(' '));
  if (command) return { ok: true, lines: renderCommandHelp(command, width) };
  let node: WordNode | undefined = commandTree();
  for (const w of words) node = node?.children.get(w);
  if (node) {
    const under = commandsUnder(node);
    return { ok: true, lines: [`${node.path.join(' ')} commands:`, '', ...table(under.map((c) => [usageLine(c), c.summary]), width)] };
  }
  const suggestion = suggestCommand(words);
  const typed = JSON.stringify(words.join(' ').slice(0, 60));
  return suggestion
    ? { ok: false, error: `no command ${typed}: did you mean "${suggestion}"?`, suggestion }
    : { ok: false, error: `no command ${typed}: type "help" for the list of commands` };
}
