// The CLI's verbs in process: help and version, init, docs, run (text and --json), the plain console.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { parse } from '../../src/commands/parse.js';
import { colorAllowed, createIo, paint } from '../../src/cli/io.js';
import { parseRunArgs } from '../../src/cli/run.js';
import { joinWords, quoteWord } from '../../src/cli/quote.js';
import { eventLine, exitCodeOf } from '../../src/cli/print.js';
import { optional } from '../../src/cli/external.js';
import { tempDir } from '../helpers/tmp.js';
import { cli, sink } from './io.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('agentdeck-cli-'));
  mkdirSync(join(dir, '.git'));
});
afterEach(() => cleanup());

const year = new Date().getUTCFullYear();
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

describe('version and help', () => {
  it('prints the package version', async () => {
    for (const flag of ['--version', '-v', 'version']) {
      const r = await cli([flag], dir);
      expect(r).toEqual({ code: 0, out: `${(pkg as { version: string }).version}\n`, err: '' });
    }
  });

  it('--help lists the verbs and every command group from the registry', async () => {
    const r = await cli(['--help'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('agentdeck run [--json] "<command>"');
    expect(r.out).toContain('agentdeck init [--force]');
    for (const c of ['create ticket', 'audit verify', 'backup', 'network', 'emergency']) expect(r.out).toContain(c);
    expect((await cli(['-h'], dir)).out).toBe(r.out);
  });

  it('help <command> shows one command; an unknown one is a usage error with a suggestion', async () => {
    const one = await cli(['help', 'create', 'ticket'], dir);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^usage: create ticket/);
    const bad = await cli(['help', 'backp', 'list'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('did you mean "backup list"?');
  });

  it('unknown verbs and options are usage errors that say what is accepted', async () => {
    const verb = await cli(['status'], dir);
    expect(verb.code).toBe(2);
    expect(verb.err).toContain('unknown verb "status"');
    expect(verb.err).toContain('agentdeck run "status"');
    const opt = await cli(['--colour'], dir);
    expect(opt).toMatchObject({ code: 2 });
    expect(opt.err).toContain('accepted: --help, --version');
    const backup = await cli(['backup', 'list'], dir);
    expect(backup.code).toBe(2);
    expect(backup.err).toContain('agentdeck run "backup list"');
  });

  it('backup run-scheduled runs in the project of the working directory; a missing module is one line', async () => {
    const r = await cli(['backup', 'run-scheduled'], dir);
    expect(r).toEqual({ code: 0, out: 'no scheduled backup is due\n', err: '' });
    expect(await optional(() => Promise.reject(Object.assign(new Error('x'), { code: 'ERR_MODULE_NOT_FOUND' })))).toBeNull();
    await expect(optional(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

describe('init', () => {
  it('writes the starter config, refuses to overwrite without --force, and rejects unknown arguments', async () => {
    const first = await cli(['init'], dir);
    expect(first.code).toBe(0);
    expect(first.out).toContain('wrote');
    expect(existsSync(join(dir, 'agentdeck.config.json'))).toBe(true);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('.agentdeck/');
    const again = await cli(['init'], dir);
    expect(again.code).toBe(1);
    expect(again.err).toContain('--force');
    expect((await cli(['init', '--force'], dir)).code).toBe(0);
    expect((await cli(['init', '--yes'], dir))).toMatchObject({ code: 2 });
    expect((await cli(['init', '--help'], dir)).out).toContain('usage: agentdeck init');
  });
});

describe('docs', () => {
  it('--write writes docs/COMMANDS.md at the project root; --check tells fresh from stale', async () => {
    const sub = join(dir, 'src');
    mkdirSync(sub);
    expect((await cli(['docs', '--check'], sub)).code).toBe(1);
    const w = await cli(['docs', '--write'], sub);
    expect(w.code).toBe(0);
    const doc = readFileSync(join(dir, 'docs', 'COMMANDS.md'), 'utf8');
    expect(doc).toMatch(/^# agentdeck commands/);
    expect(doc).toContain('### create ticket');
    expect(await cli(['docs', '--check'], sub)).toMatchObject({ code: 0, out: 'docs/COMMANDS.md is up to date\n' });
    writeFileSync(join(dir, 'docs', 'COMMANDS.md'), `${doc}\nedited by hand\n`);
    expect((await cli(['docs', '--check'], sub)).err).toContain('stale');
    expect((await cli(['docs'], dir)).code).toBe(2);
    expect((await cli(['docs', '--publish'], dir)).err).toContain('expected --write or --check, got "--publish"');
    expect((await cli(['docs', '--help'], dir)).code).toBe(0);
  });
});

describe('run argument handling', () => {
  it('takes --json and --help before the command, --json also last, and -- as the end of options', () => {
    expect(parseRunArgs(['--json', 'status'])).toEqual({ json: true, help: false, line: 'status' });
    expect(parseRunArgs(['status', '--output', 'json', '--json'])).toEqual({ json: true, help: false, line: 'status --output json' });
    expect(parseRunArgs(['--help'])).toEqual({ json: false, help: true, line: '' });
    expect(parseRunArgs(['--', '--json'])).toEqual({ json: false, help: false, line: '--json' });
    expect(parseRunArgs(['--jsn', 'status'])).toEqual({ error: expect.stringContaining('unknown option "--jsn"') as string, json: false });
    // A bad option still knows that a JSON answer was asked for, before or after it.
    expect(parseRunArgs(['--json', '-x', 'status'])).toMatchObject({ error: expect.stringContaining('unknown option "-x"') as string, json: true });
    expect(parseRunArgs(['-x', '--json'])).toMatchObject({ json: true });
    expect(parseRunArgs(['-x', '--', '--json', 'status'])).toMatchObject({ json: false });
    expect(parseRunArgs(['-- not an option'])).toEqual({ json: false, help: false, line: '-- not an option' });
  });

  it('joins argv words so that the parser reads the words the shell passed', () => {
    expect(quoteWord('plain')).toBe('plain');
    expect(quoteWord('two words')).toBe('"two words"');
    expect(quoteWord('')).toBe('""');
    expect(quoteWord('"quoted"')).toBe('"\\"quoted\\""');
    expect(quoteWord('C:\\path')).toBe('"C:\\\\path"');
    expect(joinWords(['create ticket "x y"'])).toBe('create ticket "x y"');
    const words = ['create', 'ticket', 'it said "hi" and can\'t save', '--priority', 'high'];
    const parsed = parse(joinWords(words));
    expect(parsed.ok && parsed.kind === 'command' && parsed.command.args).toMatchObject({
      description: 'it said "hi" and can\'t save',
      priority: 'high',
    });
  });
});

describe('run', () => {
  it('creates a ticket and prints the seed\'s line, then lists it with status', async () => {
    const r = await cli(['run', 'create', 'ticket', 'login page returns 500'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`[ORCHESTRATOR] ✓ Ticket created: BUG-${year}-001\n`);
    const s = await cli(['run', '@agent status'], dir);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(new RegExp(`BUG-${year}-001\\s+open\\s+\\d{2}:\\d{2}:\\d{2}\\s+normal\\s+login page returns 500`));
  });

  it('--json prints exactly one object with ok, command, result and error', async () => {
    const r = await cli(['run', '--json', 'create ticket "add dark mode"'], dir);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['ok', 'command', 'result', 'error']);
    expect(o).toMatchObject({
      ok: true,
      command: 'create ticket "add dark mode"',
      result: { status: 'done', message: `Ticket created: FEAT-${year}-001`, data: { ticket: { id: `FEAT-${year}-001` } } },
      error: null,
    });
    const bad = await cli(['run', '--json', 'logs --level loud'], dir);
    expect(bad.code).toBe(2);
    const b = JSON.parse(bad.out) as { ok: boolean; error: { code: string; message: string } };
    expect(b.ok).toBe(false);
    expect(b.error.code).toBe('usage');
    expect(b.error.message).toContain('debug, info, warn or error');
  });

  it('usage errors exit 2 with the error and the usage on stderr', async () => {
    const r = await cli(['run', 'logs --level loud'], dir);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('✗ logs: invalid --level "loud"');
    expect(r.err).toContain('usage: logs');
    expect(await cli(['run'], dir)).toMatchObject({ code: 2, err: expect.stringContaining('no command given') as string });
    const json = await cli(['run', '--json'], dir);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, result: null, error: { code: 'usage' } });
    expect((await cli(['run', '--bogus', 'status'], dir)).code).toBe(2);
  });

  it('failures exit 1', async () => {
    writeFileSync(join(dir, '.env'), 'DATABASE_URL=postgresql://a:b@127.0.0.1:9/x\n');
    const r = await cli(['run', 'health'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ Database\s+failing/);
    expect(r.err).toMatch(/^✗ Health: /m);
  });

  it('run --help explains run; a command\'s --help shows the command', async () => {
    const r = await cli(['run', '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: agentdeck run \[--json\]/);
    const c = await cli(['run', '--help', 'create', 'ticket'], dir);
    expect(c.code).toBe(0);
    expect(c.out).toContain('usage: create ticket');
    expect((await cli(['run', 'deploy --help'], dir)).out).toContain('usage: deploy');
  });

  it('a configuration mistake is one line per problem and exit 2, in text and in json', async () => {
    writeFileSync(join(dir, 'agentdeck.config.json'), JSON.stringify({ agents: { concurrency: { bughunter: 'x' } } }));
    const r = await cli(['run', 'status'], dir);
    expect(r).toEqual({ code: 2, out: '', err: 'agentdeck.config.json: agents.concurrency.bughunter: expected a whole number from 1 to 16, got "x"\n' });
    const j = await cli(['run', '--json', 'status'], dir);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, error: { code: 'config', message: expect.stringContaining('bughunter') as string } });
    expect((await cli([], dir)).code).toBe(2);
  });

  it('passes .env warnings on to stderr', async () => {
    writeFileSync(join(dir, '.env'), 'oops\n');
    const r = await cli(['run', 'status'], dir);
    expect(r.code).toBe(0);
    expect(r.err).toContain('.env:1: expected KEY=VALUE');
  });
});

describe('colour', () => {
  it('colours only a terminal, and never with NO_COLOR or TERM=dumb', () => {
    expect(colorAllowed({ isTTY: true }, {})).toBe(true);
    expect(colorAllowed({ isTTY: false }, {})).toBe(false);
    expect(colorAllowed({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorAllowed({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorAllowed({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    const tty = createIo({ stdout: sink(true).stream, env: {} });
    expect(paint(tty, 'green', 'x')).toBe('\u001b[32mx\u001b[39m');
    expect(paint(tty, 'bold', 'x')).toBe('\u001b[1mx\u001b[22m');
    expect(eventLine(tty, { agent: 'migrator', level: 'error', message: 'bad\nthing' })).toBe('\u001b[31m[MIGRATOR] ✗ bad thing\u001b[39m');
    expect(eventLine(tty, { agent: 'migrator', level: 'info', message: 'plain' })).toBe('[MIGRATOR] plain');
  });

  it('run output has colour on a terminal and none with NO_COLOR', async () => {
    const coloured = await cli(['run', 'create ticket "fix the crash"'], dir, { tty: true });
    expect(coloured.out).toMatch(ANSI);
    const plain = await cli(['run', 'create ticket "fix the crash"'], dir, { tty: true, env: { NO_COLOR: '1' } });
    expect(plain.out).not.toMatch(ANSI);
    expect(plain.out).toBe(`[ORCHESTRATOR] ✓ Ticket created: BUG-${year}-002\n`);
  });

  it('maps results to exit codes', () => {
    expect(exitCodeOf({ ok: true, status: 'done', message: '' })).toBe(0);
    expect(exitCodeOf({ ok: false, status: 'failed', message: '', error: { code: 'usage', message: '' } })).toBe(2);
    expect(exitCodeOf({ ok: false, status: 'waiting_approval', message: '' })).toBe(1);
  });
});

describe('the console without a terminal', () => {
  it('reads commands from stdin, prints the store\'s lines and each result, and exits 1 when one failed', async () => {
    const r = await cli([], dir, { stdin: ['# a comment\n', 'create ticket "add a CSV export"\n', '\n', 'status --output json\n', 'logs --level loud\n'] });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`[ORCHESTRATOR] ✓ Ticket created: FEAT-${year}-001`);
    expect(r.out).toContain('"tickets": [');
    expect(r.err).toContain('reading commands from stdin');
    expect(r.err).toContain('invalid --level "loud"');
  });

  it('exits 0 when every command succeeded', async () => {
    const r = await cli([], dir, { stdin: ['status\n'] });
    expect(r.code).toBe(0);
    expect(r.out).toContain('Agents (');
  });
});

describe('mcp', () => {
  it('serves over the given streams and ends when the client closes its input', async () => {
    const out = sink();
    const { Readable } = await import('node:stream');
    const { main } = await import('../../src/cli.js');
    const code = await main(['mcp'], { cwd: dir, env: {}, stdin: Readable.from([]), stdout: out.stream, stderr: sink().stream });
    expect(code).toBe(0);
  });

  it('a configuration mistake stops it with one line per problem and exit 2', async () => {
    writeFileSync(join(dir, 'agentdeck.config.json'), '{"agents":{"concurrency":{"ops":0}}}');
    const r = await cli(['mcp'], dir);
    expect(r).toMatchObject({ code: 2, err: 'agentdeck.config.json: agents.concurrency.ops: expected a whole number from 1 to 16, got 0\n' });
  });
});

describe('Ctrl+C during run', () => {
  it('stops the command at its next safe point and says so', async () => {
    const { createServer } = await import('node:http');
    // A server that never answers: the health check would wait for its full time limit.
    const server = createServer(() => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    writeFileSync(join(dir, '.env'), `SUPABASE_URL=http://127.0.0.1:${port}\nSUPABASE_SERVICE_ROLE_KEY=service-role-key-value\n`);
    try {
      const before = process.listenerCount('SIGINT');
      const pending = cli(['run', 'health'], dir);
      // Once the run verb listens, Ctrl+C arrives.
      while (process.listenerCount('SIGINT') === before) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 100));
      process.emit('SIGINT');
      const r = await pending;
      expect(r.code).toBe(1);
      expect(r.err).toContain('stopping at the next safe point');
      expect(r.out).toMatch(/✗ Supabase API\s+failing: interrupted by Ctrl\+C/);
      expect(process.listenerCount('SIGINT')).toBe(before);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('printing results', () => {
  it('a run waiting for approval says how to approve or reject it; needs_model is a warning', async () => {
    const { printResult } = await import('../../src/cli/print.js');
    const { createIo } = await import('../../src/cli/io.js');
    const out = sink();
    const err = sink();
    const io = createIo({ stdout: out.stream, stderr: err.stream, env: {} });
    printResult(io, { ok: false, status: 'waiting_approval', message: 'Waiting for approval APR-0003: deploy BUG-2026-001 to production', approvalId: 'APR-0003', lines: ['plan line'] }, new Set());
    expect(out.text()).toBe('plan line\n⚠ Waiting for approval APR-0003: deploy BUG-2026-001 to production\n  approve: agentdeck run "approve APR-0003"   reject: agentdeck run "reject APR-0003"\n');
    printResult(io, { ok: false, status: 'needs_model', message: 'analysis needs a model runtime', error: { code: 'needs_model', message: '' } }, new Set());
    expect(err.text()).toBe('⚠ analysis needs a model runtime\n');
    printResult(io, { ok: true, status: 'done', message: 'said already', lines: ['a'] }, new Set(['said already']));
    expect(out.text().endsWith('approve: agentdeck run "approve APR-0003"   reject: agentdeck run "reject APR-0003"\na\n')).toBe(true);
  });
});

describe('a broken state db', () => {
  it('is one line on stderr, or one JSON object with --json, exit 1', async () => {
    mkdirSync(join(dir, '.agentdeck'));
    writeFileSync(join(dir, '.agentdeck', 'state.db'), 'not a database, only text that is long enough to have a header of sorts');
    const text = await cli(['run', 'status'], dir);
    expect(text.code).toBe(1);
    expect(text.out).toBe('');
    expect(text.err.trimEnd().split('\n')).toHaveLength(1);
    expect(text.err).toMatch(/^agentdeck: /);
    const json = await cli(['run', '--json', 'status'], dir);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, command: 'status', result: null, error: { code: 'state' } });
  });
});
