// How command specs are written: `defineCommand` builds a CommandSpec whose zod schema is
// assembled from its args and flags, so a handler bound with `handle(spec, fn)` gets typed args.
import * as z from 'zod';
import type { AgentKind, ApprovalPolicyKey, ArgSpec, CommandSpec, FlagSpec } from './types.js';

/** A positional argument with its validator. Raw input: a string (`word`, `text`) or string[] (`rest`). */
export interface ArgDef<N extends string = string, T extends z.ZodType = z.ZodType> extends ArgSpec {
  readonly name: N;
  readonly schema: T;
  /** What is accepted, for error lines and docs: "a ticket id such as BUG-2026-001". */
  readonly accepts: string;
  readonly optional: boolean;
  /** How it reads in usage lines when the default (`<name>`, `"<name>"`, `<name>...`) is not right. */
  readonly usage?: string;
}

/** A flag with its validator. Raw input: boolean, string, number or string[] by `type`. */
export interface FlagDef<N extends string = string, T extends z.ZodType = z.ZodType> extends FlagSpec {
  readonly name: N;
  readonly schema: T;
  readonly accepts: string;
  /** Shown in usage lines: `--time <iso-time>`. */
  readonly placeholder: string;
  readonly required: boolean;
}

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type AsShape<T> = T extends z.core.$ZodShape ? T : never;
type ShapeOf<A extends readonly ArgDef[], F extends readonly FlagDef[]> = AsShape<
  Simplify<{ [D in A[number] as D['name']]: D['schema'] } & { [D in F[number] as Camel<D['name']>]: D['schema'] }>
>;

export interface CommandDef<A extends readonly ArgDef[], F extends readonly FlagDef[]> {
  readonly id: string;
  readonly args: A;
  readonly flags: F;
  readonly summary: string;
  readonly help: string;
  readonly examples: readonly [string, ...string[]];
  readonly agent: AgentKind;
  readonly approval: ApprovalPolicyKey | null;
  readonly confirm?: 'dialog' | 'typed';
  readonly alwaysAsks?: boolean;
  readonly mode: 'query' | 'run';
  readonly control?: boolean;
  readonly destructive?: boolean;
  /**
   * Rewrites the positional words (after the command words) before they are bound to args, for
   * phrasings of the user's plan such as `approve deployment for <id>` or `deploy <id> to staging`.
   * It may move a word to a flag (raw text, checked by the flag's schema like a typed one).
   */
  readonly normalize?: Normalize;
}

/** Positional words -> the words bound to args, and optionally raw flag values by flag name. */
export type Normalize = (words: readonly string[]) => readonly string[] | { readonly words: readonly string[]; readonly flags: Readonly<Record<string, string>> };

/** A defined command: a CommandSpec whose args and flags carry their validators. */
export interface Command<S extends z.ZodType = z.ZodType> extends CommandSpec<S> {
  readonly args: readonly ArgDef[];
  readonly flags: readonly FlagDef[];
  readonly help: string;
  /** `id` split into its words. */
  readonly words: readonly string[];
  readonly normalize?: Normalize;
}

/** `dry-run` -> `dryRun`: the key a flag has in the args object. */
export function flagKey(name: string): string {
  return name.includes('-') ? name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) : name;
}

function acceptsUndefined(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

/** A positional argument. Make it optional with `schema.optional()` (or a default). */
export function arg<N extends string, T extends z.ZodType>(
  name: N,
  kind: ArgSpec['kind'],
  schema: T,
  info: { readonly description: string; readonly accepts: string; readonly choices?: readonly string[]; readonly usage?: string; readonly ticket?: boolean },
): ArgDef<N, T> {
  return { name, kind, schema, optional: acceptsUndefined(schema), ...info };
}

/** A flag. It is required when its schema does not accept a missing value. */
export function flag<N extends string, T extends z.ZodType>(
  name: N,
  type: FlagSpec['type'],
  schema: T,
  info: {
    readonly description: string;
    readonly accepts: string;
    readonly placeholder?: string;
    readonly choices?: readonly string[];
    readonly ticket?: boolean;
  },
): FlagDef<N, T> {
  const placeholder = info.placeholder ?? (info.choices ? info.choices.join('|') : `<${name}>`);
  return { name, type, schema, required: !acceptsUndefined(schema), ...info, placeholder };
}

/** A case-insensitive choice among fixed words. */
export function choice<const V extends readonly [string, ...string[]]>(values: V) {
  return z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(values));
}

const WORD = /^[a-z][a-z0-9-]*$/;

function check(def: CommandDef<readonly ArgDef[], readonly FlagDef[]>): void {
  const where = `command "${def.id}"`;
  if (!def.id.split(' ').every((w) => WORD.test(w))) throw new Error(`${where}: id words must be lowercase words`);
  let optionalSeen = false;
  def.args.forEach((a, i) => {
    if (a.kind === 'rest' && i !== def.args.length - 1) throw new Error(`${where}: rest arg "${a.name}" must be last`);
    if (optionalSeen && !a.optional) throw new Error(`${where}: required arg "${a.name}" follows an optional one`);
    optionalSeen ||= a.optional;
  });
  const keys = [...def.args.map((a) => a.name), ...def.flags.map((f) => flagKey(f.name))];
  if (new Set(keys).size !== keys.length) throw new Error(`${where}: an arg and a flag share a name`);
  if (def.flags.some((f) => f.name === 'help')) throw new Error(`${where}: --help is reserved`);
}

/** Defines a command; its schema is `z.object` of its args and flags (camelCased). */
export function defineCommand<const A extends readonly ArgDef[], const F extends readonly FlagDef[]>(
  def: CommandDef<A, F>,
): Command<z.ZodObject<ShapeOf<A, F>>> {
  check(def);
  const shape: Record<string, z.ZodType> = {};
  for (const a of def.args) shape[a.name] = a.schema;
  for (const f of def.flags) shape[flagKey(f.name)] = f.schema;
  const schema = z.object(shape) as unknown as z.ZodObject<ShapeOf<A, F>>;
  return { ...def, schema, words: def.id.split(' ') };
}
