// Prompt line -> a typed command, free text for the orchestrator's router, or one clear error.
//
// Grammar: [@agent] <command words> [args] [flags]. Command words are matched longest first
// (`migrate status` before `migrate "<description>"`); quoted words are never command words.
// Flags: `--name value`, `--name=value`, boolean `--name` (or `--name=true|false`), list flags
// as `--methods GET,POST` (or repeated); `--` ends flags; `--help` / `-h` anywhere before `--`
// shows the command's help.
//
// Free text vs command (the line goes to the router as natural language when):
// - its first word is not a command word, it has 3+ words, and it is not a typo of a command
//   (a typo: the words are within a small edit distance of a command id, and the line is
//   command-shaped: at most 2 words, or a --flag, or its second word is a word of that command);
// - or its first word starts a group (`fix`, `create`, `db`...) but the next word is neither a
//   subcommand nor a typo of one, and the line has 3+ words and no --flag ("fix the estimate
//   persistence issue"; a stray quote in such a line is no error);
// - or it names a command that takes no arguments followed by 2+ more words and no flags
//   ("status of the login ticket").
// Everything else that is not a valid command is a usage error with a suggestion where one is near.
import type { ParseResult } from './types.js';
import type { Command, FlagDef } from './define.js';
import { flagKey } from './define.js';
import { tokenize, type Token } from './tokenize.js';
import { editDistance, nearest, typoBudget } from './distance.js';
import { commandTree, commandsUnder, type WordNode } from './tree.js';
import { COMMANDS, findCommand } from './registry.js';
import { usageLine as renderUsage } from './usage.js';

/** Longest accepted line; longer input is refused before any other work. */
export const MAX_LINE_LENGTH = 8192;

// C0 controls except tab/newline/CR, DEL, C1 controls, and bidi overrides (which can disguise text).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

type Failure = Extract<ParseResult, { ok: false }>;

const usageCache = new Map<Command, string>();
function usageLine(command: Command): string {
  let usage = usageCache.get(command);
  if (usage === undefined) {
    usage = renderUsage(command);
    usageCache.set(command, usage);
  }
  return usage;
}

/** 102400 -> "102,400" (without Intl, which is slow to reach). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

function failure(error: string, extra: { suggestion?: string; usage?: string } = {}): Failure {
  return { ok: false, error, ...extra };
}

/**
 * A value shown inside an error line: clipped, quoted. The cut drops the word it falls in: half
 * a typed token (`sk-ant-ABCD...`) would no longer be recognised by redaction downstream.
 */
function show(value: unknown): string {
  const text = Array.isArray(value) ? value.join(' ') : String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 58).replace(/\S*$/, '').trimEnd()}...` : text);
}

const HELP_HINT = 'type "help" for the list of commands';

/** Parses one prompt line. Never throws. */
export function parse(line: string): ParseResult {
  try {
    return parseLine(line);
  } catch (error) {
    // Not reached by any known input; kept so a bug can never take the console down.
    const why = error instanceof Error ? error.message : String(error);
    return failure(`could not read the command (${why.replace(/\s+/g, ' ').slice(0, 120)}): ${HELP_HINT}`);
  }
}

function parseLine(line: string): ParseResult {
  if (typeof line !== 'string') return failure(`a command must be text: ${HELP_HINT}`);
  if (line.length > MAX_LINE_LENGTH) {
    return failure(
      `the line is ${thousands(line.length)} characters long; the limit is ${thousands(MAX_LINE_LENGTH)}: shorten it`,
    );
  }
  const control = CONTROL.exec(line);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return failure(`control character U+${code} at column ${control.index + 1} is not accepted: remove it (tabs and newlines are fine)`);
  }
  let text = line.trim();
  if (text.startsWith('@')) {
    const prefix = /^@agent(?=\s|$)/i.exec(text);
    if (!prefix) {
      const word = text.split(/\s/, 1)[0]!;
      return failure(`unknown prefix ${show(word)}: start with "@agent " or type the command alone`, { suggestion: '@agent' });
    }
    text = text.slice(prefix[0].length).trim();
  }
  if (text === '') return failure(`empty command: type a command such as "status", or "help" for the list`, { suggestion: 'help' });

  const words = text.split(/\s+/);
  const first = words[0]!.toLowerCase();
  const root = commandTree();
  if (first.startsWith('-')) {
    if (first === '--help' || first === '-h') return helpCommand(words.slice(1).join(' '), text);
    return failure(`a command starts with its name, not a flag (${show(words[0])}): ${HELP_HINT}`, { suggestion: 'help' });
  }
  if (!root.children.has(first)) return unknownOrText(text, words);

  const tokenized = tokenize(text);
  if (!tokenized.ok) {
    const partial = walk(root, tokenized.tokens);
    if (partial.best) return failure(tokenized.error, { usage: usageLine(partial.best.node.command!) });
    // "generate a report of the "flaky tests": natural language may hold a stray quote.
    const asGroup = incomplete(partial.node, tokenized.tokens.slice(partial.index), text, words.length);
    return asGroup.ok ? asGroup : failure(tokenized.error);
  }
  const tokens = tokenized.tokens;
  const { node, index, best } = walk(root, tokens);
  if (!best) return incomplete(node, tokens.slice(index), text, words.length);

  const command = best.node.command!;
  const rest = tokens.slice(best.index);
  const typo = subcommandTypo(best.node, rest);
  if (typo) return typo;
  return parseArgs(command, rest, text, words.length);
}

interface Walked {
  /** The deepest node reached by command words. */
  readonly node: WordNode;
  /** Tokens consumed to reach it. */
  readonly index: number;
  /** The deepest node on the way that is a command. */
  readonly best?: { readonly node: WordNode; readonly index: number };
}

function walk(root: WordNode, tokens: readonly Token[]): Walked {
  let node = root;
  let index = 0;
  let best: Walked['best'];
  for (const token of tokens) {
    if (token.quoted) break;
    const child = node.children.get(token.value.toLowerCase());
    if (!child) break;
    node = child;
    index++;
    if (node.command) best = { node, index };
  }
  return { node, index, best };
}

function isFlagToken(t: Token): boolean {
  return !t.startsQuoted && t.value.startsWith('--');
}

function hasHelpFlag(tokens: readonly Token[]): boolean {
  for (const t of tokens) {
    if (t.startsQuoted) continue;
    if (t.value === '--') return false;
    if (t.value === '--help' || t.value === '-h') return true;
  }
  return false;
}

function helpCommand(topic: string, raw: string): ParseResult {
  const spec = findCommand('help')!;
  const parsed = spec.schema.safeParse({ command: topic.trim() === '' ? undefined : [topic.trim()] });
  if (!parsed.success) return failure(`help: the topic is too long: ${HELP_HINT}`);
  return { ok: true, kind: 'command', command: { spec, id: spec.id, args: parsed.data, raw } };
}

/**
 * The command id nearest to the typed words: each id is compared with as many of the words as
 * it has (or all of them when fewer were typed, against the id's first words).
 */
export function suggestCommand(words: readonly string[]): string | undefined {
  const lower = words.map((w) => w.toLowerCase());
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of COMMANDS) {
    const k = Math.min(c.words.length, lower.length);
    const typed = lower.slice(0, k).join(' ');
    const target = idPrefix(c, k);
    const budget = typoBudget(typed.length) + (k > 1 ? 1 : 0);
    const d = typed.length >= 4 && target.startsWith(typed) ? 0.5 : editDistance(typed, target, Math.min(budget, bestD));
    if (d <= budget && d < bestD) {
      best = c.id;
      bestD = d;
    }
  }
  return best;
}

/** The first k words of a command's id, joined (cached: suggestions run on every unknown line). */
const prefixCache = new Map<Command, string[]>();
function idPrefix(c: Command, k: number): string {
  let prefixes = prefixCache.get(c);
  if (!prefixes) {
    prefixes = c.words.map((_w, i) => c.words.slice(0, i + 1).join(' '));
    prefixCache.set(c, prefixes);
  }
  return prefixes[k - 1] ?? '';
}

/** Every word of every command id. */
let commandWords: Set<string> | undefined;
function isCommandWord(word: string): boolean {
  commandWords ??= new Set(COMMANDS.flatMap((c) => c.words));
  return commandWords.has(word);
}

function unknownOrText(text: string, words: readonly string[]): ParseResult {
  const hasFlag = words.some((w) => w.startsWith('--'));
  // A long line whose second word is no command word and that has no flag cannot be a typo.
  const mayBeTypo = words.length <= 2 || hasFlag || isCommandWord(words[1]!.toLowerCase());
  const suggestion = mayBeTypo ? suggestCommand(words) : undefined;
  if (suggestion) {
    const idWords = suggestion.split(' ');
    const second = words[1]?.toLowerCase();
    const commandShaped = words.length <= 2 || hasFlag || (second !== undefined && idWords.includes(second));
    if (commandShaped) {
      const typed = words.slice(0, Math.max(1, Math.min(idWords.length, words.length))).join(' ');
      return failure(`unknown command ${show(typed)}: did you mean "${suggestion}"?`, { suggestion });
    }
  }
  if (words.length >= 3) return { ok: true, kind: 'text', text };
  return failure(`unknown command ${show(words.join(' '))}: ${HELP_HINT}`);
}

/** The line stopped inside a group (`backup`, `db replicas`) without naming a command. */
function incomplete(node: WordNode, rest: readonly Token[], text: string, wordCount: number): ParseResult {
  const group = node.path.join(' ');
  if (hasHelpFlag(rest)) return helpCommand(group, text);
  const next = rest[0];
  const under = commandsUnder(node);
  const usage = under.map((c) => c.id).join(' | ');
  if (next && !next.quoted && !isFlagToken(next)) {
    const near = nearest(next.value.toLowerCase(), node.children.keys());
    if (near) {
      const suggestion = suggestCommand([...node.path, near, ...rest.slice(1).map((t) => t.value)]) ?? commandsUnder(node.children.get(near)!)[0]!.id;
      return failure(`unknown command ${show(`${group} ${next.value}`)}: did you mean "${suggestion}"?`, { suggestion, usage });
    }
    if (wordCount >= 3 && !rest.some(isFlagToken)) return { ok: true, kind: 'text', text };
    const shown = next.value;
    return failure(`unknown command ${show(`${group} ${shown}`)}: after "${group}" use one of ${[...node.children.keys()].join(', ')}`, { usage });
  }
  return failure(`incomplete command "${group}": add one of ${[...node.children.keys()].join(', ')}`, { usage });
}

/** `migrate stauts`: a lone word right after a command that has subcommands, close to one of them. */
function subcommandTypo(node: WordNode, rest: readonly Token[]): Failure | undefined {
  if (node.children.size === 0) return undefined;
  const positional = rest.filter((t) => !isFlagToken(t));
  const only = positional[0];
  if (positional.length !== 1 || !only || only.quoted) return undefined;
  const near = nearest(only.value.toLowerCase(), node.children.keys());
  if (!near) return undefined;
  const suggestion = [...node.path, near].join(' ');
  return failure(`unknown command ${show(`${node.path.join(' ')} ${only.value}`)}: did you mean "${suggestion}"? (quote text meant as an argument)`, {
    suggestion,
    usage: usageLine(node.command!),
  });
}

function flagList(command: Command): string {
  return command.flags.length === 0 ? 'it takes no flags' : `accepted: ${command.flags.map((f) => `--${f.name}`).join(', ')}`;
}

function parseArgs(command: Command, tokens: readonly Token[], text: string, wordCount: number): ParseResult {
  const usage = usageLine(command);
  const fail = (problem: string, suggestion?: string): Failure =>
    failure(`${command.id}: ${problem}`, suggestion ? { usage, suggestion } : { usage });
  const values: Record<string, unknown> = {};
  const positional: string[] = [];
  let flagsSeen = false;
  let endOfFlags = false;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (endOfFlags || t.startsQuoted || !t.value.startsWith('-') || t.value === '-' || /^-\d/.test(t.value)) {
      positional.push(t.value);
      continue;
    }
    if (t.value === '--') {
      endOfFlags = true;
      continue;
    }
    if (t.value === '--help' || t.value === '-h') return helpCommand(command.id, text);
    if (!t.value.startsWith('--')) return fail(`unknown option ${show(t.value)}: flags are written --name; ${flagList(command)}`);
    flagsSeen = true;
    const eq = t.value.indexOf('=');
    const name = (eq >= 0 ? t.value.slice(2, eq) : t.value.slice(2)).toLowerCase();
    const flag = command.flags.find((f) => f.name === name);
    if (!flag) {
      const near = nearest(name, command.flags.map((f) => f.name));
      return fail(`unknown flag --${show(name).slice(1, -1)}; ${flagList(command)}`, near ? `--${near}` : undefined);
    }
    let raw = eq >= 0 ? t.value.slice(eq + 1) : undefined;
    if (flag.type !== 'boolean' && raw === undefined) {
      const next = tokens[k + 1];
      if (!next || (!next.startsQuoted && next.value.startsWith('--'))) return fail(`--${flag.name} needs a value: ${flag.accepts}`);
      raw = next.value;
      k++;
    }
    const read = flagValue(flag, raw);
    if (!read.ok) return fail(read.problem);
    const value = read.value;
    const key = flagKey(flag.name);
    if (flag.type === 'list') values[key] = [...((values[key] as string[] | undefined) ?? []), ...(value as string[])];
    else if (key in values) return fail(`--${flag.name} is given twice: give it once`);
    else values[key] = value;
  }

  const normalized = command.normalize ? command.normalize(positional) : positional;
  const words = 'words' in normalized ? normalized.words : normalized;
  if ('flags' in normalized) {
    for (const [name, raw] of Object.entries(normalized.flags)) {
      const key = flagKey(name);
      if (key in values) return fail(`--${name} is given twice (once as a word): give it once`);
      values[key] = raw;
    }
  }
  let p = 0;
  for (const a of command.args) {
    if (a.kind === 'rest') {
      values[a.name] = p < words.length ? words.slice(p) : undefined;
      p = words.length;
    } else if (p < words.length) {
      values[a.name] = words[p++];
    }
  }
  if (p < words.length) {
    if (command.args.length === 0 && !flagsSeen && wordCount >= 3) return { ok: true, kind: 'text', text };
    const takes =
      command.args.length === 0
        ? 'it takes no arguments'
        : `it takes ${command.args.map((a) => `<${a.name}>`).join(' ')}`;
    return fail(`unexpected argument ${show(words[p])}: ${takes}`);
  }

  const result = command.schema.safeParse(values);
  if (result.success) {
    return { ok: true, kind: 'command', command: { spec: command, id: command.id, args: result.data, raw: text } };
  }
  return fail(describeIssue(command, values, result.error.issues[0]!));
}

type FlagRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/** The raw text of a flag -> its typed value (a string flag's checks are the schema's). */
function flagValue(flag: FlagDef, raw: string | undefined): FlagRead {
  switch (flag.type) {
    case 'boolean':
      if (raw === undefined || /^(?:true|yes|1)$/i.test(raw)) return { ok: true, value: true };
      if (/^(?:false|no|0)$/i.test(raw)) return { ok: true, value: false };
      return { ok: false, problem: `--${flag.name} takes no value (or =true / =false), got ${show(raw)}` };
    case 'number': {
      const n = Number(raw);
      if (raw === undefined || raw.trim() === '' || !Number.isFinite(n)) {
        return { ok: false, problem: `--${flag.name} expects a number, got ${show(raw)}: ${flag.accepts}` };
      }
      return { ok: true, value: n };
    }
    case 'list':
      return { ok: true, value: (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '') };
    default:
      return { ok: true, value: raw };
  }
}

interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** One zod issue -> "missing <id>: expected ..." / "invalid --time "x": expected ..." / the custom message. */
function describeIssue(command: Command, values: Record<string, unknown>, issue: Issue): string {
  const key = String(issue.path[0] ?? '');
  const arg = command.args.find((a) => a.name === key);
  const flag = command.flags.find((f) => flagKey(f.name) === key);
  const label = arg ? `<${arg.name}>` : flag ? `--${flag.name}` : key;
  const accepts = arg?.accepts ?? flag?.accepts ?? 'a valid value';
  let input = values[key];
  if (input === undefined) return `missing ${label}: expected ${accepts}`;
  if (issue.code === 'custom') return issue.message;
  const index = issue.path[1];
  if (Array.isArray(input) && typeof index === 'number' && flag) input = input[index];
  return `invalid ${label} ${show(input)}: expected ${accepts}`;
}
