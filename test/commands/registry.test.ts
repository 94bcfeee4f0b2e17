import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { COMMANDS, findCommand } from '../../src/commands/registry.js';
import { parse } from '../../src/commands/parse.js';
import { arg, defineCommand, flag, flagKey } from '../../src/commands/define.js';
import { APPROVAL_POLICY_KEYS, AGENT_KINDS } from '../../src/commands/types.js';

// Every command of the user's plan (seed 004 sections 1.2, 4, 5.2; seed 000) and of later issues.
const PLAN = [
  'create ticket', 'close ticket', 'analyze ticket', 'fix ticket', 'verify', 'generate component', 'generate api', 'generate migration',
  'generate test', 'generate mcp-tool', 'deploy', 'rollback', 'status', 'logs', 'health', 'bugs scan', 'migrate status',
  'migrate', 'migrate execute', 'test', 'email', 'review', 'approve', 'reject', 'answer', 'complete step', 'emergency rollback last deployment',
  'system status', 'system logs', 'system backup create', 'system restore from', 'agents restart all',
  'agents update config', 'agents purge logs', 'db analyze performance', 'db optimize table', 'db vacuum full',
  'db create backup', 'emergency stop all', 'emergency maintenance', 'emergency deploy hotfix', 'emergency access',
  'dashboard', 'help', 'audit verify', 'resume', 'cancel', 'backup list', 'backup get', 'backup create', 'backup delete',
  'backup restore', 'backup schedule list', 'backup schedule create', 'backup pitr restore', 'db replicas list',
  'db replicas create', 'db replicas delete', 'db config set', 'network restrictions list', 'network restrictions add',
  'network restrictions rm', 'security policies list', 'security audit', 'mcp tools', 'mcp call',
  'discard', 'costs',
];

const AGENT_OF: Record<string, string> = {
  'bugs scan': 'bughunter', 'analyze ticket': 'bughunter', 'fix ticket': 'bughunter', verify: 'bughunter',
  'generate component': 'codesmith', 'generate api': 'codesmith', 'generate test': 'codesmith', 'generate mcp-tool': 'codesmith',
  'generate migration': 'migrator', 'migrate status': 'migrator', migrate: 'migrator', 'migrate execute': 'migrator',
  'db analyze performance': 'migrator', 'db optimize table': 'migrator', 'db vacuum full': 'migrator',
  deploy: 'stage', rollback: 'stage', review: 'stage', test: 'stage', 'emergency rollback last deployment': 'stage',
  'emergency deploy hotfix': 'stage', discard: 'stage', 'db config set': 'ops', 'security policies list': 'ops', 'security audit': 'ops',
  'system backup create': 'ops', 'system restore from': 'ops', 'db create backup': 'ops', 'emergency maintenance': 'ops',
  'emergency access': 'ops',
};

const QUERIES = [
  'status', 'logs', 'health', 'help', 'dashboard', 'review', 'audit verify', 'migrate status', 'backup list', 'backup get',
  'backup schedule list', 'db replicas list', 'network restrictions list', 'security policies list', 'security audit',
  'system status', 'system logs', 'mcp tools', 'costs',
];
// Controls of runs that already exist (or of all of them): they act at once and open no run.

describe('the registry', () => {
  it('holds every command of the plan exactly once', () => {
    const ids = COMMANDS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...PLAN].sort());
  });

  it('gives every command a summary, help, examples and a known agent and approval key', () => {
    for (const c of COMMANDS) {
      expect(c.summary.length, c.id).toBeGreaterThan(3);
      expect(c.help.length, c.id).toBeGreaterThan(20);
      expect(c.examples.length, c.id).toBeGreaterThan(0);
      expect(AGENT_KINDS, c.id).toContain(c.agent);
      if (c.approval !== null) expect(APPROVAL_POLICY_KEYS, c.id).toContain(c.approval);
      expect(c.words.join(' ')).toBe(c.id);
    }
  });

  it('has examples that parse to their own command, with and without @agent', () => {
    for (const c of COMMANDS) {
      for (const example of c.examples) {
        for (const line of [example, `@agent ${example}`]) {
          const r = parse(line);
          expect(r.ok && r.kind === 'command' ? r.command.id : JSON.stringify(r), line).toBe(c.id);
        }
      }
    }
  });

  it('routes commands to the agents the plan names (ops: backups, replicas, network; orchestrator: the rest)', () => {
    for (const c of COMMANDS) {
      const expected = AGENT_OF[c.id] ?? (/^(backup|db replicas|network)/.test(c.id) ? 'ops' : 'orchestrator');
      expect(c.agent, c.id).toBe(expected);
    }
  });

  it('marks read-only commands as queries and everything else as runs', () => {
    for (const c of COMMANDS) {
      expect(c.mode, c.id).toBe(QUERIES.includes(c.id) ? 'query' : 'run');
    }
  });

  it('applies the approval policy of seed 7.2', () => {
    const approval = (id: string) => findCommand(id)?.approval;
    for (const id of ['backup restore', 'backup delete', 'backup pitr restore', 'system restore from', 'db vacuum full', 'db replicas delete']) {
      expect(approval(id), id).toBe('databaseDestructive');
    }
    for (const id of ['deploy', 'emergency deploy hotfix']) {
      expect(approval(id), id).toBe('productionDeployment');
      expect(findCommand(id)?.confirm).toBe('typed');
    }
    for (const id of ['db config set', 'network restrictions add', 'network restrictions rm', 'emergency access']) {
      expect(approval(id), id).toBe('credentialChange');
    }
    expect(approval('agents update config')).toBe('agentConfigChange');
    for (const c of COMMANDS.filter((x) => x.mode === 'query')) expect(c.approval, c.id).toBeNull();
    for (const c of COMMANDS.filter((x) => x.destructive)) expect(c.mode, c.id).toBe('run');
  });

  it('offers --output json|table|yaml on every listing and reporting command', () => {
    const reporting = COMMANDS.filter((c) => QUERIES.includes(c.id) && !['help', 'dashboard'].includes(c.id));
    expect(reporting.length).toBeGreaterThan(10);
    for (const c of reporting) expect(c.flags.map((f) => f.name), c.id).toContain('output');
  });

  it('finds commands by id regardless of case and spacing', () => {
    expect(findCommand('  Backup   SCHEDULE create ')?.id).toBe('backup schedule create');
    expect(findCommand('backup nothing')).toBeUndefined();
  });
});

describe('defineCommand', () => {
  const base = { summary: 's', help: 'h', examples: ['x'] as const, agent: 'ops' as const, approval: null, mode: 'run' as const, flags: [] };

  it('builds the schema from args and camelCased flags', () => {
    const c = defineCommand({
      ...base,
      id: 'x y',
      args: [arg('name', 'word', z.string(), { description: 'd', accepts: 'a' })],
      flags: [flag('dry-run', 'boolean', z.boolean().default(false), { description: 'd', accepts: 'a' })],
    });
    expect(c.schema.parse({ name: 'n' })).toEqual({ name: 'n', dryRun: false });
    expect(c.words).toEqual(['x', 'y']);
    expect(c.flags[0]!.required).toBe(false);
    expect(c.flags[0]!.placeholder).toBe('<dry-run>');
    expect(flagKey('older-than-days')).toBe('olderThanDays');
  });

  it('refuses malformed definitions', () => {
    const word = arg('a', 'word', z.string(), { description: 'd', accepts: 'a' });
    const opt = arg('b', 'word', z.string().optional(), { description: 'd', accepts: 'a' });
    const rest = arg('c', 'rest', z.array(z.string()), { description: 'd', accepts: 'a' });
    expect(() => defineCommand({ ...base, id: 'Bad Id', args: [] })).toThrow(/lowercase/);
    expect(() => defineCommand({ ...base, id: 'x', args: [rest, word] })).toThrow(/must be last/);
    expect(() => defineCommand({ ...base, id: 'x', args: [opt, word] })).toThrow(/follows an optional/);
    expect(() =>
      defineCommand({ ...base, id: 'x', args: [word], flags: [flag('a', 'string', z.string(), { description: 'd', accepts: 'a' })] }),
    ).toThrow(/share a name/);
    expect(() =>
      defineCommand({ ...base, id: 'x', args: [], flags: [flag('help', 'boolean', z.boolean(), { description: 'd', accepts: 'a' })] }),
    ).toThrow(/reserved/);
  });
});
