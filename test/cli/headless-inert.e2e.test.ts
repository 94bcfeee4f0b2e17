// Headless output is inert: control characters that come from data (a ticket title, log lines,
// a deploy command's live output, an echoed option) never reach the user's terminal as such; they
// are shown as their escapes, checked on the real bytes the built binary writes. And `run --json`
// answers with exactly one JSON object on every exit path.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStaged, getStaged } from '../../src/agents/stage/worktrees.js';
import { createBus } from '../../src/services/events/bus.js';
import { openState } from '../../src/services/state/db.js';
import { createTicket } from '../../src/services/state/tickets.js';
import { buildSampleApp, type SampleApp } from '../fixtures/sample-app/build.js';
import { BIN, buildIfStale } from '../helpers/binary.js';
import { makeContext } from '../helpers/context.js';
import { tempDir } from '../helpers/tmp.js';

/** What a hostile title, log line or program output may carry. */
const HOSTILE = [
  '\x1b]52;c;ZXZpbA==\x07', // OSC 52: write the clipboard
  '\x1b[2J', // clear the screen
  '\x1b]8;;http://x\x07link\x1b]8;;\x07', // OSC 8: a hyperlink that hides its target
  '\x1b]0;owned\x1b\\', // retitle the window (ST-terminated)
  '\x9b31m', // C1 CSI: one byte on some terminals
  'ring\x07',
  'fake\rOVERWRITTEN',
  'back\b\b\b\b',
  '\u202eevil\u202c', // bidi override
].join(' ');

/** Bytes a terminal would act on: C0 controls but tab and newline, DEL. */
// eslint-disable-next-line no-control-regex -- the bytes a terminal acts on are the point
const ACTIVE_BYTE = /[\x00-\x08\x0b-\x1f\x7f]/;
/** Code points a terminal would act on or reorder with: C1 controls, bidi controls. */
const ACTIVE_CHAR = /[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

interface Output {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

function agentdeck(args: readonly string[], cwd: string): Promise<Output> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
  });
}

/** The stream's bytes hold nothing a terminal acts on; returns the text. */
function inertText(bytes: Buffer): string {
  const latin = bytes.toString('latin1');
  const bad = ACTIVE_BYTE.exec(latin);
  expect(bad, bad ? `byte 0x${bad[0].charCodeAt(0).toString(16)} at ${bad.index}: ${JSON.stringify(latin.slice(Math.max(0, bad.index - 30), bad.index + 30))}` : '').toBeNull();
  const text = bytes.toString('utf8');
  expect(ACTIVE_CHAR.exec(text)).toBeNull();
  return text;
}

/** Exactly one JSON object on stdout (one line), nothing a terminal acts on. */
function oneObject(r: Output): { ok: boolean; command: string; result: Record<string, unknown> | null; error: { message: string; code: string } | null } {
  const text = inertText(r.stdout);
  expect(text.endsWith('\n')).toBe(true);
  expect(text.trimEnd().split('\n')).toHaveLength(1);
  const parsed = JSON.parse(text) as ReturnType<typeof oneObject>;
  expect(Object.keys(parsed)).toEqual(['ok', 'command', 'result', 'error']);
  return parsed;
}

beforeAll(() => {
  buildIfStale();
}, 120_000);

describe('run text output shows data inert', () => {
  let dir: string;
  let cleanup: () => void;
  let id = '';

  beforeAll(() => {
    ({ dir, cleanup } = tempDir('agentdeck-inert-'));
    execFileSync('git', ['init', '-q', dir]);
    // A ticket and log lines as another client (MCP, a scan of test output) could have stored them.
    const state = openState(dir);
    id = createTicket(state, { kind: 'BUG', title: `title ${HOSTILE}`, createdBy: 'mcp' }).id;
    const bus = createBus({ state });
    bus.emit({ agent: 'stage', kind: 'log', level: 'error', message: `log ${HOSTILE}` });
    bus.emit({ agent: 'stage', kind: 'output', level: 'info', message: `output ${HOSTILE}`, data: { source: 'tests' } });
    bus.close();
    state.close();
  });
  afterAll(() => cleanup());

  it('status lists the hostile title with its escapes visible', async () => {
    const r = await agentdeck(['run', 'status'], dir);
    expect(r.code).toBe(0);
    const out = inertText(r.stdout);
    expect(out).toContain(id);
    expect(out).toContain('\\u001b]52;c;ZXZpbA==\\u0007');
    expect(out).toContain('\\u001b[2J');
  });

  it('logs prints the lines inert, as text and as JSON that keeps their exact value', async () => {
    const text = await agentdeck(['run', 'logs'], dir);
    expect(text.code).toBe(0);
    const out = inertText(text.stdout);
    expect(out).toContain('log \\u001b]52;c;ZXZpbA==\\u0007');
    expect(out).toContain('fake\\u000dOVERWRITTEN back\\u0008');
    expect(out).toContain('\\u009b31m');
    expect(out).toContain('\\u202eevil\\u202c');
    const json = await agentdeck(['run', 'logs --output json'], dir);
    // A summary line, then the JSON document.
    const doc = inertText(json.stdout);
    const lines = JSON.parse(doc.slice(doc.indexOf('\n['))) as { message: string }[];
    expect(lines.map((l) => l.message)).toEqual(expect.arrayContaining([`log ${HOSTILE}`, `output ${HOSTILE}`]));
  });

  it('run --json keeps the title exact inside one inert JSON object', async () => {
    const o = oneObject(await agentdeck(['run', '--json', 'status'], dir));
    expect(o.ok).toBe(true);
    const tickets = (o.result?.data as { tickets: { id: string; title: string }[] }).tickets;
    expect(tickets.find((t) => t.id === id)?.title).toBe(`title ${HOSTILE}`);
  });

  it('an option, a verb or a help topic echoed back is inert too', async () => {
    const option = await agentdeck(['run', '-\x1b]0;x\x07', 'status'], dir);
    expect(option.code).toBe(2);
    expect(inertText(option.stderr)).toContain('unknown option "-\\u001b]0;x\\u0007"');
    const verb = await agentdeck(['\x1b[2Jdeploy'], dir);
    expect(verb.code).toBe(2);
    expect(inertText(verb.stderr)).toContain('unknown verb "\\u001b[2Jdeploy"');
    const help = await agentdeck(['help', '\x9b2Jdeploy'], dir);
    expect(help.code).toBe(2);
    inertText(help.stderr);
  });
});

describe('run --json: one object on every exit path', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('agentdeck-json-'));
    execFileSync('git', ['init', '-q', dir]);
  });
  afterAll(() => cleanup());

  it('option errors, a missing command, help, unknown commands and flags, a bad configuration', async () => {
    const cases: [string[], number, string | null][] = [
      [['run', '--json', '-x'], 2, 'usage'],
      [['run', '-x', '--json'], 2, 'usage'],
      [['run', '--json', '--bogus', 'status'], 2, 'usage'],
      [['run', '--json', '-\x1b[2J'], 2, 'usage'],
      [['run', '--json'], 2, 'usage'],
      [['run', '--json', '--help'], 0, null],
      [['run', '--json', 'stauts'], 2, 'usage'],
      [['run', '--json', 'logs --frobnicate'], 2, 'usage'],
      [['run', '--json', 'status'], 0, null],
    ];
    for (const [args, code, error] of cases) {
      const r = await agentdeck(args, dir);
      const o = oneObject(r);
      expect([args, r.code, o.error?.code ?? null]).toEqual([args, code, error]);
      expect(o.ok).toBe(code === 0);
    }
    writeFileSync(join(dir, 'agentdeck.config.json'), '{ "approvals": { "ttlMinutes": 0 } }');
    const config = await agentdeck(['run', '--json', 'status'], dir);
    expect(config.code).toBe(2);
    expect(oneObject(config).error?.code).toBe('config');
  });
});

describe('live deploy output streamed by run', { timeout: 180_000 }, () => {
  let app: SampleApp;
  const ticket = `TASK-${new Date().getUTCFullYear()}-001`;
  beforeAll(async () => {
    const print = `process.stdout.write(${JSON.stringify(`deploying ${HOSTILE}\n`)}); process.stderr.write(${JSON.stringify(`warning ${HOSTILE}\n`)});`;
    app = buildSampleApp({ allTestsPass: true, config: { deploy: { staging: [['node', '-e', print]] } } });
    const t = makeContext({ root: app.root, run: false });
    try {
      await t.engine.dispatch('create ticket "a change" --kind task', { initiator: 'you' });
      await ensureStaged(t.engine.context({ agent: 'stage', run: false }), ticket);
      writeFileSync(join(getStaged(app.root, ticket)?.path ?? '', 'lib', 'change.ts'), 'export const change = 1;\n');
    } finally {
      t.cleanup();
    }
  }, 120_000);
  afterAll(() => app?.cleanup());

  it('shows what the deploy command printed, its escapes visible and inert', async () => {
    const r = await agentdeck(['run', `deploy staging --ticket ${ticket}`], app.root);
    const out = inertText(r.stdout);
    inertText(r.stderr);
    expect(r.code, out).toBe(0);
    expect(out).toContain('deploying \\u001b]52;c;ZXZpbA==\\u0007 \\u001b[2J \\u001b]8;;http://x\\u0007link');
    expect(out).toContain('warning \\u001b]52;c;ZXZpbA==\\u0007');
  });
});
