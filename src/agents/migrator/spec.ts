// The migration spec: common schema changes in a small, documented grammar that needs no model.
//
//   spec        := change { ";" change }
//   change      := "create table" TABLE "(" column { "," column } ")"
//                | "create table" TABLE "with" column { "," column }
//                | "add column" TABLE "." NAME TYPE { modifier }
//                | "drop column" TABLE "." NAME
//                | "add" ["unique"] "index on" TABLE "(" NAME { "," NAME } ")"
//                | "add foreign key" TABLE "." NAME "references" TABLE ["(" NAME ")"] [ondelete]
//                | "enable rls on" TABLE [ "policy" NAME "for" (select|insert|update|delete|all)
//                                           ["to" ROLE] ["using" "(" EXPR ")"] ["check" "(" EXPR ")"] ]
//   column      := NAME TYPE { modifier }
//   modifier    := "pk" | "primary key" | "not null" | "null" | "unique" | "default" VALUE
//                | "references" TABLE ["(" NAME ")"] [ondelete]
//   ondelete    := "on delete" ("cascade" | "restrict" | "set null" | "no action")
//   TABLE       := NAME | SCHEMA "." NAME        (unqualified means public)
//   TYPE        := one of SPEC_TYPES, optionally with "(n)" / "(p,s)" and "[]"
//   VALUE       := one word without spaces: 0, true, now(), gen_random_uuid(), '{}'::jsonb
//
// Examples:
//   create table customer_preferences (id uuid pk default gen_random_uuid(), customer_id uuid not null references customers, prefs jsonb not null default '{}'::jsonb)
//   add column customers.vip boolean not null default false; add index on customers (email)
//   enable rls on customer_preferences policy owner_reads for select to authenticated using (auth.uid() = customer_id)

export interface ColumnSpec {
  readonly name: string;
  readonly type: string;
  readonly primaryKey: boolean;
  readonly notNull: boolean;
  readonly unique: boolean;
  readonly default?: string;
  readonly references?: Reference;
}

export interface Reference {
  readonly table: string;
  readonly column: string;
  readonly onDelete?: string;
}

export interface PolicySpec {
  readonly name: string;
  readonly command: 'select' | 'insert' | 'update' | 'delete' | 'all';
  readonly role?: string;
  readonly using?: string;
  readonly check?: string;
}

export type Change =
  | { readonly op: 'create_table'; readonly table: string; readonly columns: readonly ColumnSpec[] }
  | { readonly op: 'add_column'; readonly table: string; readonly column: ColumnSpec }
  | { readonly op: 'drop_column'; readonly table: string; readonly column: string }
  | { readonly op: 'add_index'; readonly table: string; readonly columns: readonly string[]; readonly unique: boolean }
  | { readonly op: 'add_foreign_key'; readonly table: string; readonly column: string; readonly references: Reference }
  | { readonly op: 'enable_rls'; readonly table: string; readonly policy?: PolicySpec };

export const SPEC_TYPES = [
  'text', 'varchar', 'char', 'citext', 'smallint', 'integer', 'int', 'bigint', 'serial', 'bigserial', 'numeric', 'decimal',
  'real', 'double', 'float8', 'boolean', 'bool', 'uuid', 'json', 'jsonb', 'date', 'time', 'timestamp', 'timestamptz',
  'interval', 'bytea', 'inet',
] as const;

const TYPE_ALIASES: Record<string, string> = { int: 'integer', bool: 'boolean', double: 'double precision', float8: 'double precision', decimal: 'numeric' };

/** The grammar in a few lines, for help text and error lines. */
export const SPEC_HELP = [
  'create table <table> (<column> <type> [pk] [not null] [unique] [default <value>] [references <table>], ...)',
  'add column <table>.<column> <type> [not null] [default <value>] [references <table>]',
  'drop column <table>.<column>',
  'add [unique] index on <table> (<column>, ...)',
  'add foreign key <table>.<column> references <table>[(<column>)] [on delete cascade|restrict|set null|no action]',
  'enable rls on <table> [policy <name> for select|insert|update|delete|all [to <role>] [using (<expr>)] [check (<expr>)]]',
  'join several changes with ";"',
];

export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** Splits at `sep` outside quotes and parentheses. */
export function splitTop(text: string, sep: (ch: string) => boolean): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && sep(ch)) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

const words = (text: string): string[] => splitTop(text, (ch) => /\s/.test(ch));

function ident(name: string | undefined, what: string): string {
  const n = (name ?? '').toLowerCase();
  if (!IDENT.test(n)) throw new SpecError(`${what} "${name ?? ''}" is not a plain identifier (letters, digits and _, not starting with a digit)`);
  return n;
}

function table(name: string | undefined): string {
  const parts = (name ?? '').split('.');
  if (parts.length > 2) throw new SpecError(`table "${name}" has too many dots: use <table> or <schema>.<table>`);
  return parts.length === 2 ? `${ident(parts[0], 'schema')}.${ident(parts[1], 'table')}` : `public.${ident(parts[0], 'table')}`;
}

/** `<table>.<column>`: the last dot separates the column. */
function tableColumn(text: string | undefined): { table: string; column: string } {
  const t = text ?? '';
  const dot = t.lastIndexOf('.');
  if (dot <= 0) throw new SpecError(`"${t}" should be <table>.<column>`);
  return { table: table(t.slice(0, dot)), column: ident(t.slice(dot + 1), 'column') };
}

/** `(a, b)` -> ['a', 'b']. */
function parenList(text: string | undefined, what: string): string[] {
  const t = (text ?? '').trim();
  if (!t.startsWith('(') || !t.endsWith(')')) throw new SpecError(`expected (${what}, ...) but found "${t}"`);
  return splitTop(t.slice(1, -1), (ch) => ch === ',');
}

/** Refuses a `;` outside quotes (at any depth): a value must not end the statement it is put in. */
function noSemicolon(value: string, what: string): string {
  let quote: string | null = null;
  for (const ch of value) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ';') throw new SpecError(`${what} must not contain ";"`);
  }
  return value;
}

function sqlType(raw: string | undefined): string {
  const m = /^([a-z0-9]+)(\(\s*\d+\s*(?:,\s*\d+\s*)?\))?(\[\])?$/i.exec(raw ?? '');
  const base = m?.[1]?.toLowerCase();
  if (!m || !base || !(SPEC_TYPES as readonly string[]).includes(base)) {
    throw new SpecError(`unknown type "${raw ?? ''}": accepted ${SPEC_TYPES.join(', ')} (with (n), (p,s) or [] where Postgres allows)`);
  }
  return `${TYPE_ALIASES[base] ?? base}${(m[2] ?? '').replace(/\s+/g, '')}${m[3] ?? ''}`;
}

const ON_DELETE = ['cascade', 'restrict', 'set null', 'no action'];

/** Reads `references <table>[(<col>)] [on delete <action>]` from `w` at index `i`; returns the next index. */
function readReference(w: string[], i: number): [Reference, number] {
  let target = w[i];
  if (!target) throw new SpecError('"references" needs a table');
  let column = 'id';
  const paren = target.indexOf('(');
  if (paren > 0) {
    column = ident(parenList(target.slice(paren), 'column')[0], 'column');
    target = target.slice(0, paren);
  } else if (w[i + 1]?.startsWith('(')) {
    column = ident(parenList(w[i + 1], 'column')[0], 'column');
    i++;
  }
  i++;
  let onDelete: string | undefined;
  if (w[i]?.toLowerCase() === 'on' && w[i + 1]?.toLowerCase() === 'delete') {
    const two = `${w[i + 2] ?? ''} ${w[i + 3] ?? ''}`.toLowerCase();
    const one = (w[i + 2] ?? '').toLowerCase();
    if (ON_DELETE.includes(two)) {
      onDelete = two;
      i += 4;
    } else if (ON_DELETE.includes(one)) {
      onDelete = one;
      i += 3;
    } else throw new SpecError(`"on delete" takes ${ON_DELETE.join(', ')}`);
  }
  return [{ table: table(target), column, ...(onDelete ? { onDelete } : {}) }, i];
}

function column(text: string): ColumnSpec {
  const w = words(text);
  const name = ident(w[0], 'column');
  const type = sqlType(w[1]);
  let primaryKey = false;
  let notNull = false;
  let unique = false;
  let dflt: string | undefined;
  let references: Reference | undefined;
  let i = 2;
  while (i < w.length) {
    const word = w[i]!.toLowerCase();
    const next = w[i + 1]?.toLowerCase();
    if (word === 'pk' || (word === 'primary' && next === 'key')) {
      primaryKey = true;
      i += word === 'pk' ? 1 : 2;
    } else if (word === 'not' && next === 'null') {
      notNull = true;
      i += 2;
    } else if (word === 'null') {
      notNull = false;
      i++;
    } else if (word === 'unique') {
      unique = true;
      i++;
    } else if (word === 'default') {
      if (!w[i + 1]) throw new SpecError(`column ${name}: "default" needs a value`);
      dflt = noSemicolon(w[i + 1]!, 'a default');
      i += 2;
    } else if (word === 'references') [references, i] = readReference(w, i + 1);
    else throw new SpecError(`column ${name}: unexpected "${w[i]}"; accepted: pk, not null, unique, default <value>, references <table>`);
  }
  return { name, type, primaryKey, notNull, unique, ...(dflt !== undefined ? { default: dflt } : {}), ...(references ? { references } : {}) };
}

/** A parenthesised SQL expression, kept as written. */
function expression(value: string): string {
  parenList(value, 'expression');
  return noSemicolon(value, 'a policy expression');
}

function policy(w: string[], tableName: string): PolicySpec {
  // w: [name, 'for', cmd, ('to', role)?, ('using', '(...)')?, ('check', '(...)')?]
  const name = ident(w[0], 'policy');
  if (w[1]?.toLowerCase() !== 'for') throw new SpecError(`policy ${name} on ${tableName}: expected "for select|insert|update|delete|all"`);
  const command = (w[2] ?? '').toLowerCase();
  if (!['select', 'insert', 'update', 'delete', 'all'].includes(command)) {
    throw new SpecError(`policy ${name}: "${w[2] ?? ''}" is not one of select, insert, update, delete, all`);
  }
  let role: string | undefined;
  let using: string | undefined;
  let check: string | undefined;
  for (let i = 3; i < w.length; i += 2) {
    const key = w[i]!.toLowerCase();
    const value = w[i + 1];
    if (!value) throw new SpecError(`policy ${name}: "${key}" needs a value`);
    if (key === 'to') role = ident(value, 'role');
    else if (key === 'using') using = expression(value);
    else if (key === 'check') check = expression(value);
    else throw new SpecError(`policy ${name}: unexpected "${w[i]}"; accepted: to <role>, using (<expr>), check (<expr>)`);
  }
  return { name, command: command as PolicySpec['command'], ...(role ? { role } : {}), ...(using ? { using } : {}), ...(check ? { check } : {}) };
}

function change(text: string): Change {
  const w = words(text);
  const head = w.slice(0, 3).map((s) => s.toLowerCase()).join(' ');
  if (head.startsWith('create table')) {
    const name = table(w[2]);
    const rest = text.slice(text.toLowerCase().indexOf(w[2]!.toLowerCase()) + w[2]!.length).trim();
    let list: string[];
    if (rest.toLowerCase().startsWith('with ')) list = splitTop(rest.slice(5), (ch) => ch === ',');
    else list = parenList(rest, 'column type');
    if (list.length === 0) throw new SpecError(`create table ${name}: name at least one column`);
    return { op: 'create_table', table: name, columns: list.map(column) };
  }
  if (head.startsWith('add column')) {
    const { table: t, column: c } = tableColumn(w[2]);
    return { op: 'add_column', table: t, column: column([c, ...w.slice(3)].join(' ')) };
  }
  if (head.startsWith('drop column')) {
    if (w.length > 3) throw new SpecError(`drop column: unexpected "${w[3]}" after ${w[2]}`);
    const { table: t, column: c } = tableColumn(w[2]);
    return { op: 'drop_column', table: t, column: c };
  }
  if (head === 'add index on' || head === 'add unique index') {
    const unique = w[1]!.toLowerCase() === 'unique';
    const at = unique ? 4 : 3;
    if (unique && w[3]?.toLowerCase() !== 'on') throw new SpecError('expected "add unique index on <table> (<column>, ...)"');
    const t = table(w[at]);
    const cols = parenList(w[at + 1], 'column').map((c) => ident(c, 'column'));
    if (w.length > at + 2) throw new SpecError(`add index: unexpected "${w[at + 2]}"`);
    return { op: 'add_index', table: t, columns: cols, unique };
  }
  if (head === 'add foreign key') {
    const { table: t, column: c } = tableColumn(w[3]);
    if (w[4]?.toLowerCase() !== 'references') throw new SpecError(`add foreign key ${w[3] ?? ''}: expected "references <table>"`);
    const [references, end] = readReference(w, 5);
    if (end < w.length) throw new SpecError(`add foreign key: unexpected "${w[end]}"`);
    return { op: 'add_foreign_key', table: t, column: c, references };
  }
  if (head === 'enable rls on') {
    const t = table(w[3]);
    if (w.length === 4) return { op: 'enable_rls', table: t };
    if (w[4]?.toLowerCase() !== 'policy') throw new SpecError(`enable rls on ${t}: expected "policy <name> for ..." or nothing`);
    return { op: 'enable_rls', table: t, policy: policy(w.slice(5), t) };
  }
  throw new SpecError(`"${text.slice(0, 60)}" is not a spec change; accepted: ${SPEC_HELP.slice(0, 6).map((l) => l.split(' <')[0]).join(', ')}`);
}

/** True when the text starts like a spec change (otherwise it is free text for a model). */
export function looksLikeSpec(text: string): boolean {
  return /^\s*(create\s+table|add\s+(column|index|unique\s+index|foreign\s+key)|drop\s+column|enable\s+rls)\b/i.test(text);
}

/** Parses a spec; throws SpecError naming what was wrong and what is accepted. */
export function parseSpec(text: string): Change[] {
  const parts = splitTop(text, (ch) => ch === ';');
  if (parts.length === 0) throw new SpecError('the spec is empty');
  return parts.map(change);
}
