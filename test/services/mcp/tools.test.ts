// Registry commands as MCP tools: every definition is well formed, and a tool call's arguments
// become the same command the parser builds from the line recorded for it.
import { describe, expect, it } from 'vitest';
import { COMMANDS, findCommand } from '../../../src/commands/registry.js';
import { parse } from '../../../src/commands/parse.js';
import { buildCommand, HUMAN_ONLY, quoteWord, toolDefinition, toolName } from '../../../src/services/mcp/tools.js';

function command(id: string) {
  const c = findCommand(id);
  if (!c) throw new Error(`no command ${id}`);
  return c;
}

describe('tool definitions', () => {
  it('gives every command a valid MCP name, an object schema and honest hints', () => {
    const names = new Set<string>();
    for (const c of COMMANDS) {
      const d = toolDefinition(c);
      expect(d.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      names.add(d.name);
      expect(d.inputSchema.type).toBe('object');
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.annotations.readOnlyHint).toBe(c.mode === 'query');
      if (c.destructive) expect(d.annotations.destructiveHint).toBe(true);
      for (const key of d.inputSchema.required ?? []) expect(d.inputSchema.properties).toHaveProperty(key);
    }
    expect(names.size).toBe(COMMANDS.length);
    expect(HUMAN_ONLY.has('approve')).toBe(true);
  });

  it('describes arguments with their types, choices and what is accepted', () => {
    const access = toolDefinition(command('emergency access'));
    expect(access.name).toBe('emergency_access');
    expect(access.inputSchema.required).toEqual(['user', 'reason']);
    expect(access.inputSchema.properties.reason).toMatchObject({ type: 'string', description: expect.stringContaining('at least 3 characters') });
    const del = toolDefinition(command('backup delete'));
    expect(del.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    const tools = toolDefinition(command('mcp tools'));
    expect(tools.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tools.inputSchema.properties.output).toMatchObject({ type: 'string', enum: ['table', 'json', 'yaml'] });
    expect(tools.inputSchema.properties.output).not.toHaveProperty('default');
    const email = toolDefinition(command('email'));
    expect(email.inputSchema.properties.message).toMatchObject({ type: 'string' });
  });
});

describe('tool calls become commands', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['email', { message: 'Staging is "ready" -- see BUG-2026-001\\notes', subject: 'Ready' }],
    ['email', { message: '--not a flag' }],
    ['email', { message: '-5' }],
    ['emergency access', { user: '123e4567-e89b-12d3-a456-426614174000', reason: "customer can't see estimates" }],
    ['mcp call', { tool: 'create_estimate_record', json: { customer_id: 42, note: 'a b' } }],
    ['mcp call', { tool: 'list_customers' }],
    ['mcp tools', { output: 'json' }],
    ['backup list', {}],
  ];
  for (const [id, input] of cases) {
    it(`${id} ${JSON.stringify(input)} round-trips through its recorded line`, () => {
      const built = buildCommand(command(id), input);
      if (!built.ok) throw new Error(built.error);
      const reparsed = parse(built.command.raw);
      expect(reparsed.ok).toBe(true);
      if (!reparsed.ok || reparsed.kind !== 'command') throw new Error('not a command');
      expect(reparsed.command.id).toBe(id);
      expect(reparsed.command.args).toEqual(built.command.args);
    });
  }

  it('turns JSON arguments given as an object into the command\'s object', () => {
    const built = buildCommand(command('mcp call'), { tool: 't', json: { a: [1, 2] } });
    expect(built.ok && built.command.args).toMatchObject({ tool: 't', json: { a: [1, 2] } });
  });

  it('refuses unknown and invalid arguments with one line naming the field and what is accepted', () => {
    expect(buildCommand(command('email'), { msg: 'x' })).toEqual({ ok: false, error: 'email: unknown argument "msg" (accepted: message, subject)' });
    const bad = buildCommand(command('emergency access'), { user: 'not-a-user', reason: 'because' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^emergency_access: user: .*; accepted: a user id \(UUID\) or email address$/);
    const missing = buildCommand(command('emergency access'), { user: '123e4567-e89b-12d3-a456-426614174000' });
    expect(!missing.ok && missing.error).toMatch(/^emergency_access: reason: .*accepted: a reason of at least 3 characters/);
    expect(buildCommand(command('email'), undefined).ok).toBe(false);
  });

  it('quotes only what needs quoting', () => {
    expect(quoteWord('plain')).toBe('plain');
    expect(quoteWord('two words')).toBe('"two words"');
    expect(quoteWord('')).toBe('""');
    expect(quoteWord('-x')).toBe('"-x"');
    expect(quoteWord('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(toolName({ id: 'backup schedule create' })).toBe('backup_schedule_create');
  });
});
