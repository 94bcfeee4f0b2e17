import { describe, expect, it } from 'vitest';
import { parse, suggestCommand, MAX_LINE_LENGTH } from '../../src/commands/parse.js';
import type { ParseResult } from '../../src/commands/types.js';

function command(line: string): { id: string; args: Record<string, unknown>; raw: string } {
  const r = parse(line);
  if (!r.ok || r.kind !== 'command') throw new Error(`expected a command for ${JSON.stringify(line)}, got ${JSON.stringify(r)}`);
  return { id: r.command.id, args: r.command.args as Record<string, unknown>, raw: r.command.raw };
}

function error(line: string): Extract<ParseResult, { ok: false }> {
  const r = parse(line);
  if (r.ok) throw new Error(`expected an error for ${JSON.stringify(line)}, got ${JSON.stringify(r)}`);
  expect(r.error).not.toMatch(/\n/);
  return r;
}

function isText(line: string): boolean {
  const r = parse(line);
  return r.ok && r.kind === 'text' && r.text === line.replace(/^\s*@agent\s+/i, '').trim();
}

describe('grammar', () => {
  it('takes the optional @agent prefix, in any case', () => {
    expect(command('@agent status')).toMatchObject({ id: 'status', raw: 'status' });
    expect(command('  @AGENT   health  ').id).toBe('health');
    expect(command('status --output json').args).toMatchObject({ output: 'json' });
  });

  it('matches command words longest first and case-insensitively', () => {
    expect(command('migrate status').id).toBe('migrate status');
    expect(command('MIGRATE Execute').id).toBe('migrate execute');
    expect(command('migrate "status page table"')).toMatchObject({ id: 'migrate', args: { description: 'status page table' } });
    expect(command('migrate Add customer preferences table').args).toMatchObject({ description: 'Add customer preferences table' });
    expect(command('emergency rollback last deployment').id).toBe('emergency rollback last deployment');
    expect(command('system restore from bk-1').args).toMatchObject({ id: 'bk-1', dryRun: false });
  });

  it('reads quoted text and the rest of the line', () => {
    expect(command('create ticket "AI estimates are not persisting"').args).toMatchObject({ description: 'AI estimates are not persisting', priority: 'normal' });
    expect(command("create ticket it's broken again --kind BUG --priority urgent").args).toMatchObject({
      description: "it's broken again",
      kind: 'bug',
      priority: 'urgent',
    });
    expect(command('email "Staging is ready" --subject=\'Ready now\'').args).toMatchObject({ message: 'Staging is ready', subject: 'Ready now' });
  });

  it('reads flags as --name value, --name=value, booleans and lists', () => {
    expect(command('migrate execute --dry-run').args).toMatchObject({ dryRun: true });
    expect(command('migrate execute --dry-run=false').args).toMatchObject({ dryRun: false });
    expect(command('migrate execute --dry-run=yes').args).toMatchObject({ dryRun: true });
    expect(command('migrate execute').args).toMatchObject({ dryRun: false });
    expect(command('system logs --level error --limit 20').args).toMatchObject({ level: 'error', limit: 20, output: 'table' });
    expect(command('system logs --LEVEL=WARN').args).toMatchObject({ level: 'warn' });
    expect(command('generate api /api/estimates --methods get,POST --methods delete,get').args).toMatchObject({
      route: '/api/estimates',
      methods: ['GET', 'POST', 'DELETE'],
    });
  });

  it('ends flags at --', () => {
    expect(command('create ticket -- --dry-run is ignored').args).toMatchObject({ description: '--dry-run is ignored' });
    expect(command('create ticket "--not a flag"').args).toMatchObject({ description: '--not a flag' });
  });

  it('keeps a lone dash and negative numbers as words', () => {
    expect(command('create ticket login - urgent -5 degrees').args).toMatchObject({ description: 'login - urgent -5 degrees' });
  });

  it('reads approve with its optional trailing words, and the plan\'s other phrasing', () => {
    expect(command('approve BUG-2025-001 deploy to staging').args).toMatchObject({ id: 'BUG-2025-001', target: 'staging' });
    expect(command('approve BUG-2025-001 deploy production').args).toMatchObject({ target: 'production' });
    expect(command('approve BUG-2025-001 to Production').args).toMatchObject({ target: 'production' });
    expect(command('approve apr-1').args).toMatchObject({ id: 'apr-1', target: undefined });
    expect(command('approve deployment for AI-EST-142').args).toMatchObject({ id: 'AI-EST-142' });
    expect(command('approve BUG-1 --confirm BUG-1').args).toMatchObject({ confirm: 'BUG-1' });
  });

  it('validates and normalizes typed args', () => {
    expect(command('review bug-2026-001').args).toMatchObject({ id: 'BUG-2026-001', output: 'table' });
    expect(command('deploy').args).toMatchObject({ env: 'staging', dryRun: false });
    expect(command('deploy PRODUCTION --ticket feat-2026-002').args).toMatchObject({ env: 'production', ticket: 'FEAT-2026-002', dryRun: false });
    expect(command('logs StageAgent').args).toMatchObject({ agent: 'stage' });
    expect(command('logs bughunter-2').args).toMatchObject({ agent: 'bughunter-2' });
    expect(command('backup schedule create 3:30').args).toMatchObject({ time: '03:30' });
    expect(command('backup pitr restore --time 2026-11-20T16:30:00+02:00').args).toMatchObject({ time: '2026-11-20T14:30:00.000Z', dryRun: false });
    expect(command('db replicas create --region EU-WEST-1').args).toMatchObject({ region: 'eu-west-1' });
    expect(command('db config set max_connections=200 statement_timeout=30s').args).toMatchObject({
      settings: { max_connections: '200', statement_timeout: '30s' },
      dryRun: false,
    });
    expect(command('agents update config').args).toMatchObject({ settings: undefined });
    expect(command('network restrictions add 203.0.113.0/24 198.51.100.7 2001:DB8::/32 203.0.113.0/24').args).toMatchObject({
      cidrs: ['203.0.113.0/24', '198.51.100.7/32', '2001:db8::/32'],
      dryRun: false,
    });
    expect(command('network restrictions rm ::1').args).toMatchObject({ cidrs: ['::1/128'] });
    expect(command('emergency maintenance ON').args).toMatchObject({ state: 'on' });
    expect(command('emergency access someone@example.com --reason "locked out"').args).toMatchObject({ user: 'someone@example.com', reason: 'locked out' });
    expect(command('mcp call create_estimate_record \'{"customer_id": 42}\'').args).toMatchObject({
      tool: 'create_estimate_record',
      json: { customer_id: 42 },
      output: 'table',
    });
    expect(command('mcp call list_customers').args).toMatchObject({ json: {} });
    expect(command('mcp call t {"a": [1, 2]}').args).toMatchObject({ json: { a: [1, 2] } });
    expect(command('agents purge logs --older-than 7').args).toMatchObject({ olderThan: 7 });
    expect(command('help backup pitr').args).toMatchObject({ command: 'backup pitr' });
  });

  it('turns --help and -h into the help command for what precedes them', () => {
    expect(command('backup list --help')).toMatchObject({ id: 'help', args: { command: 'backup list' } });
    expect(command('deploy -h')).toMatchObject({ id: 'help', args: { command: 'deploy' } });
    expect(command('backup --help')).toMatchObject({ id: 'help', args: { command: 'backup' } });
    expect(command('--help')).toMatchObject({ id: 'help', args: {} });
    expect(command('-h backup')).toMatchObject({ id: 'help', args: { command: 'backup' } });
    expect(command('create ticket -- --help').id).toBe('create ticket');
    expect(error(`--help ${'x'.repeat(300)}`).error).toMatch(/^help: the topic is too long/);
  });
});

describe('errors', () => {
  it('refuses what is not text, too long, or has control characters', () => {
    expect(error(42 as unknown as string).error).toMatch(/must be text/);
    expect(error('status '.repeat(2000)).error).toBe(`the line is 14,000 characters long; the limit is ${MAX_LINE_LENGTH.toLocaleString('en-US')}: shorten it`);
    expect(error('status\u0007').error).toBe('control character U+0007 at column 7 is not accepted: remove it (tabs and newlines are fine)');
    expect(error('create ticket \u202eevil').error).toMatch(/U\+202E/);
    expect(error('\u0000').error).toMatch(/U\+0000 at column 1/);
    expect(command('create ticket\ta\nb').args).toMatchObject({ description: 'a b' });
  });

  it('explains a wrong prefix and an empty line', () => {
    expect(error('@agnet status')).toMatchObject({ error: 'unknown prefix "@agnet": start with "@agent " or type the command alone', suggestion: '@agent' });
    expect(error('   ')).toMatchObject({ suggestion: 'help' });
    expect(error('@agent').error).toMatch(/^empty command/);
    expect(error('--dry-run status').error).toMatch(/starts with its name, not a flag/);
  });

  it('suggests the closest command for a typo', () => {
    expect(error('bakup list')).toMatchObject({ error: 'unknown command "bakup list": did you mean "backup list"?', suggestion: 'backup list' });
    expect(error('stauts').suggestion).toBe('status');
    expect(error('@agent helth --output json').suggestion).toBe('health');
    expect(error('sytem logs --level error').suggestion).toBe('system logs');
    expect(error('db vacum full')).toMatchObject({ error: 'unknown command "db vacum": did you mean "db vacuum full"?', suggestion: 'db vacuum full' });
    expect(error('backup shedule list').suggestion).toBe('backup schedule list');
    expect(error('migrate stauts')).toMatchObject({ suggestion: 'migrate status', usage: 'migrate "<description>" [--ticket <ticket>]' });
    expect(error('migrate exec').suggestion).toBe('migrate execute');
  });

  it('says what is unknown when nothing is near', () => {
    expect(error('frobnicate').error).toBe('unknown command "frobnicate": type "help" for the list of commands');
    expect(error('hello there').suggestion).toBeUndefined();
  });

  it('names the subcommands of an incomplete group', () => {
    const r = error('backup');
    expect(r.error).toBe('incomplete command "backup": add one of create, delete, get, list, pitr, restore, schedule');
    expect(r.usage).toContain('backup pitr restore');
    expect(error('backup schedule --output json').error).toMatch(/^incomplete command "backup schedule": add one of create, list/);
    expect(error('backup frobnicate').error).toMatch(/^unknown command "backup frobnicate": after "backup" use one of/);
    expect(error('backup frobnicate more --output json').error).toMatch(/after "backup" use one of/);
  });

  it('reports an unclosed quote with the usage of the command being typed', () => {
    const r = error('create ticket "login broken');
    expect(r.error).toMatch(/^unclosed " quote at column 15/);
    expect(r.usage).toMatch(/^create ticket <description>/);
    expect(error('backup "x').usage).toBeUndefined();
  });

  it('reports flag mistakes in one line with what is accepted', () => {
    expect(error('status --ouput json')).toMatchObject({ error: 'status: unknown flag --ouput; accepted: --output', suggestion: '--output', usage: 'status [--output table|json|yaml]' });
    expect(error('dashboard --zzz').error).toBe('dashboard: unknown flag --zzz; it takes no flags');
    expect(error('status -x').error).toBe('status: unknown option "-x": flags are written --name; accepted: --output');
    expect(error('status --output').error).toBe('status: --output needs a value: json, table or yaml');
    expect(error('system logs --level --limit 3').error).toMatch(/--level needs a value/);
    expect(error('migrate execute --dry-run=maybe').error).toBe('migrate execute: --dry-run takes no value (or =true / =false), got "maybe"');
    expect(error('logs --limit many').error).toBe('logs: --limit expects a number, got "many": a whole number from 1 to 100000');
    expect(error('logs --limit=').error).toMatch(/--limit expects a number, got ""/);
    expect(error('status --output json --output yaml').error).toBe('status: --output is given twice: give it once');
    expect(error('status --output xml').error).toBe('status: invalid --output "xml": expected json, table or yaml');
    expect(error('logs --limit 0').error).toMatch(/invalid --limit "0"/);
    expect(error('generate api /x --methods GET,FETCH').error).toBe(
      'generate api: invalid --methods "FETCH": expected a comma-separated list of GET, POST, PUT, PATCH, DELETE',
    );
  });

  it('reports missing, invalid and unexpected arguments', () => {
    expect(error('analyze ticket')).toMatchObject({ error: 'analyze ticket: missing <id>: expected a ticket id such as BUG-2026-001, or the ticket\'s own reference such as AI-EST-142', usage: 'analyze ticket <id> [--output table|json|yaml]' });
    expect(error('analyze ticket 42').error).toBe('analyze ticket: invalid <id> "42": expected a ticket id such as BUG-2026-001, or the ticket\'s own reference such as AI-EST-142');
    expect(error('deploy prod').error).toBe('deploy: invalid <env> "prod": expected staging or production');
    expect(error('backup pitr restore').error).toBe('backup pitr restore: missing --time: expected an ISO 8601 time with a zone such as 2026-11-20T14:30:00Z');
    expect(error('backup pitr restore --time yesterday').error).toMatch(/invalid --time "yesterday"/);
    expect(error('backup pitr restore --time 2026-11-20T14:30:00').error).toMatch(/invalid --time/);
    expect(error('backup schedule create 24:00').error).toMatch(/invalid <time> "24:00": expected a time of day HH:MM/);
    expect(error('db replicas create --region mars-1').error).toMatch(/invalid --region "mars-1": expected a region: us-east-1/);
    expect(error('status BUG-1').error).toBe('status: unexpected argument "BUG-1": it takes no arguments');
    expect(error('review BUG-1 BUG-2').error).toBe('review: unexpected argument "BUG-2": it takes <id>');
    expect(error('create ticket').error).toMatch(/missing <description>/);
    expect(error('create ticket ""').error).toMatch(/invalid <description> ""/);
    expect(error('emergency access not-a-user --reason "x y z"').error).toMatch(/invalid <user> "not-a-user": expected a user id \(UUID\) or email/);
    expect(error('emergency maintenance maybe').error).toMatch(/expected on or off/);
    expect(error('logs wizard').error).toMatch(/invalid <agent> "wizard": expected an agent: orchestrator, bughunter/);
  });

  it('uses the custom messages of compound arguments', () => {
    expect(error('db config set').error).toBe('db config set: missing <settings>: expected key=value pairs such as max_connections=200');
    expect(error('db config set max_connections').error).toBe('db config set: "max_connections" is not a key=value pair: expected a setting such as max_connections=200');
    expect(error('db config set =3').error).toMatch(/is not a key=value pair/);
    expect(error('db config set a=1 A=2').error).toBe('db config set: a is given twice: give each setting once');
    expect(error('network restrictions add 10.0.0.0/33').error).toBe(
      'network restrictions add: "10.0.0.0/33" is not a CIDR: expected IPv4 or IPv6 CIDRs such as 203.0.113.0/24 or 2001:db8::/32',
    );
    expect(error('network restrictions add "; rm -rf /"').error).toMatch(/is not a CIDR/);
    expect(error('network restrictions rm').error).toMatch(/missing <cidrs>/);
    expect(error('approve X deploy to mars').error).toBe('approve: "deploy to mars" is not understood: expected optional words "deploy to staging" or "deploy to production"');
    expect(error('mcp call t {not json}').error).toMatch(/not valid JSON/);
    expect(error('mcp call t [1,2]').error).toMatch(/must be a JSON object/);
  });
});

describe('free text', () => {
  it('sends natural language to the router', () => {
    expect(isText("@agent I need to fix the AI estimate persistence issue. Here's the ticket: AI-EST-142")).toBe(true);
    expect(isText('fix the AI estimate persistence issue')).toBe(true);
    expect(isText('create a ticket for the login page')).toBe(true);
    expect(isText('generate a report of failing "tests')).toBe(true);
    expect(isText('status of the login ticket')).toBe(true);
    expect(isText('tests are failing on main')).toBe(true);
    expect(isText('can you deploy the portal')).toBe(true);
  });

  it('keeps command-shaped lines as commands or errors', () => {
    expect(isText('status BUG-1')).toBe(false);
    expect(isText('bakup list')).toBe(false);
    expect(isText('status --output json please now')).toBe(false);
    expect(isText('backup frobnicate --output json')).toBe(false);
  });
});

describe('suggestCommand', () => {
  it('compares the typed words with each id', () => {
    expect(suggestCommand(['bakup'])).toBe('backup create');
    expect(suggestCommand(['netwrk', 'restrictions', 'lst'])).toBe('network restrictions list');
    expect(suggestCommand(['emerg'])).toBe('emergency access');
    expect(suggestCommand(['qqqqqq'])).toBeUndefined();
  });
});
