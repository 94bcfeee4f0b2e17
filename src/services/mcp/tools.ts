// Registry commands as MCP tools: names, descriptions, JSON input schemas and annotations are
// all derived from the command specs; calls are turned back into typed ParsedCommands.
import * as z from 'zod';
import type { Command } from '../../commands/define.js';
import { flagKey } from '../../commands/define.js';
import type { ParsedCommand } from '../../commands/types.js';

/** Commands that only a human gives, never a tool caller: the approval itself. */
export const HUMAN_ONLY = new Set(['approve', 'reject']);

export interface ToolDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: { type: 'object'; properties: Record<string, unknown>; required?: string[]; additionalProperties: false };
  readonly annotations: { title: string; readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean };
}

/** `backup schedule create` -> `backup_schedule_create` (MCP names: letters, digits, _ and -). */
export function toolName(command: Pick<Command, 'id'>): string {
  return command.id.split(' ').join('_');
}

type JsonSchema = Record<string, unknown>;

function isEmpty(schema: JsonSchema): boolean {
  return Object.keys(schema).filter((k) => k !== '$schema' && k !== 'description').length === 0;
}

/** The input side of a field's zod schema; `{}` when zod cannot say (preprocess, transforms). */
function fieldJson(schema: z.ZodType): JsonSchema {
  try {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    delete json.$schema;
    return json;
  } catch {
    return {};
  }
}

function argJson(a: Command['args'][number]): JsonSchema {
  if (a.kind === 'rest') {
    // Callers send the rest of the line as one string (or a JSON value, for JSON arguments).
    return { type: 'string', description: `${a.description} (${a.accepts})` };
  }
  let json = fieldJson(a.schema);
  if (a.choices) json = { type: 'string', enum: [...a.choices] };
  else if (isEmpty(json)) json = { type: 'string' };
  return { ...json, description: `${a.description} (${a.accepts})` };
}

function flagJson(f: Command['flags'][number]): JsonSchema {
  let json = fieldJson(f.schema);
  if (f.choices) json = { type: f.type === 'list' ? 'array' : 'string', ...(f.type === 'list' ? { items: { type: 'string', enum: [...f.choices] } } : { enum: [...f.choices] }) };
  else if (isEmpty(json)) {
    json = f.type === 'list' ? { type: 'array', items: { type: 'string' } } : { type: f.type };
  }
  // Defaults are the command's business; keep them out so a caller's omission stays an omission.
  delete json.default;
  return { ...json, description: `${f.description} (${f.accepts})` };
}

export function toolDefinition(command: Command): ToolDefinition {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const a of command.args) {
    properties[a.name] = argJson(a);
    if (!a.optional) required.push(a.name);
  }
  for (const f of command.flags) {
    const key = flagKey(f.name);
    properties[key] = flagJson(f);
    if (f.required) required.push(key);
  }
  const readOnly = command.mode === 'query';
  const needs = command.approval ? ` Needs an approval (${command.approval}) when the project's policy says so: the call then returns the pending approval's id.` : '';
  return {
    name: toolName(command),
    title: command.id,
    description: `${command.summary}. ${command.help}${needs} Example: ${command.examples[0]}`,
    inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false },
    annotations: {
      title: command.id,
      readOnlyHint: readOnly,
      destructiveHint: !readOnly && command.destructive === true,
      idempotentHint: readOnly,
      openWorldHint: false,
    },
  };
}

/** A double-quoted word when it has spaces or quotes or looks like a flag, as the parser reads it back. */
export function quoteWord(value: string): string {
  if (/^[^\s"'\\-][^\s"'\\]*$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export type BuildResult = { ok: true; command: ParsedCommand } | { ok: false; error: string };

/**
 * Validates a tool call's arguments with the command's own schema and builds the command,
 * including the line a human would have typed (runs record it, and `resume` re-parses it).
 */
export function buildCommand(command: Command, input: Record<string, unknown> | undefined): BuildResult {
  const given = input ?? {};
  const known = new Set([...command.args.map((a) => a.name), ...command.flags.map((f) => flagKey(f.name))]);
  const unknown = Object.keys(given).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    return { ok: false, error: `${toolName(command)}: unknown argument "${unknown[0]}" (accepted: ${[...known].join(', ') || 'none'})` };
  }
  const raw: Record<string, unknown> = {};
  const words: string[] = [...command.words];
  for (const a of command.args) {
    const v = given[a.name];
    if (v === undefined || v === null) continue;
    if (a.kind === 'rest') {
      const text = asText(v);
      raw[a.name] = text === '' ? [] : [text];
      if (text !== '') words.push(quoteWord(text));
    } else {
      raw[a.name] = typeof v === 'string' ? v : String(v);
      words.push(quoteWord(String(v)));
    }
  }
  for (const f of command.flags) {
    const key = flagKey(f.name);
    const v = given[key];
    if (v === undefined || v === null) continue;
    raw[key] = v;
    if (f.type === 'boolean') words.push(v === true ? `--${f.name}` : `--${f.name}=${String(v)}`);
    else if (Array.isArray(v)) words.push(`--${f.name}`, quoteWord(v.map(String).join(',')));
    else words.push(`--${f.name}`, quoteWord(String(v)));
  }
  const parsed = command.schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    const def = [...command.args, ...command.flags].find((d) => d.name === field || flagKey(d.name) === field);
    const accepts = def ? `; accepted: ${def.accepts}` : '';
    return { ok: false, error: `${toolName(command)}: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid arguments'}${accepts}` };
  }
  return { ok: true, command: { spec: command, id: command.id, args: parsed.data, raw: words.join(' ') } };
}
