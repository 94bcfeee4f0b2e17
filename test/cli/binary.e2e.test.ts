// The built binary as a user runs it: separate processes on one project, exit codes, --json,
// configuration mistakes, and secrets that never reach the output.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildIfStale, runBinary, type Ran } from '../helpers/binary.js';
import { tempDir } from '../helpers/tmp.js';

const year = new Date().getUTCFullYear();


function agentdeck(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  return runBinary(args, cwd, env);
}

beforeAll(() => {
  buildIfStale();
}, 120_000);

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('agentdeck-bin-'));
  execFileSync('git', ['init', '-q', dir]);
});
afterEach(() => cleanup());

describe('agentdeck run, process after process', () => {
  it('a ticket created by one process is listed by "@agent status" in the next, from a subdirectory too', async () => {
    const created = await agentdeck(['run', '@agent create ticket "AI estimates are generated but not persisting to database"'], dir);
    expect(created).toEqual({ code: 0, out: `[ORCHESTRATOR] ✓ Ticket created: BUG-${year}-001\n`, err: '' });
    mkdirSync(join(dir, 'app'));
    const status = await agentdeck(['run', '@agent status'], join(dir, 'app'));
    expect(status.code).toBe(0);
    expect(status.out).toMatch(new RegExp(`BUG-${year}-001\\s+open\\s+\\d{2}:\\d{2}:\\d{2}\\s+normal\\s+AI estimates are generated but not persisting to database`));
    const next = await agentdeck(['run', 'create', 'ticket', 'add a CSV export', '--kind', 'feature'], dir);
    expect(next.out).toBe(`[ORCHESTRATOR] ✓ Ticket created: FEAT-${year}-002\n`);
  });

  it('processes running at the same time each get their own ticket id, and none is lost', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map((n) => agentdeck(['run', '--json', `create ticket "task number ${n}" --kind task`], dir)));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const ids = runs.map((r) => (JSON.parse(r.out) as { result: { data: { ticket: { id: string } } } }).result.data.ticket.id).sort();
    expect(ids).toEqual([1, 2, 3, 4].map((n) => `TASK-${year}-00${n}`));
    const status = JSON.parse((await agentdeck(['run', '--json', 'status'], dir)).out) as { result: { data: { tickets: { title: string }[] } } };
    expect(status.result.data.tickets.map((x) => x.title).sort()).toEqual([1, 2, 3, 4].map((n) => `task number ${n}`));
  });

  it('--json prints exactly one JSON object and nothing else on stdout', async () => {
    const r = await agentdeck(['run', '--json', 'create ticket "export is broken"'], dir);
    expect(r.code).toBe(0);
    expect(r.out.endsWith('\n')).toBe(true);
    expect(r.out.trimEnd().split('\n')).toHaveLength(1);
    const o = JSON.parse(r.out) as { ok: boolean; command: string; result: { status: string; message: string; runId: string }; error: unknown };
    expect(o).toMatchObject({ ok: true, command: 'create ticket "export is broken"', result: { status: 'done', message: `Ticket created: BUG-${year}-001` }, error: null });
    expect(o.result.runId).toMatch(/^RUN-\d+$/);
    const s = await agentdeck(['run', '@agent status --output json', '--json'], dir);
    const so = JSON.parse(s.out) as { result: { data: { tickets: { id: string }[] } } };
    expect(so.result.data.tickets.map((x) => x.id)).toEqual([`BUG-${year}-001`]);
  });

  it('exit codes: 0 done, 1 failed, 2 usage error', async () => {
    expect((await agentdeck(['run', 'audit verify'], dir)).code).toBe(0);
    const failed = await agentdeck(['run', 'health'], dir, { DATABASE_URL: 'postgresql://u:p@127.0.0.1:9/x' });
    expect(failed.code).toBe(1);
    const usage = await agentdeck(['run', 'logs --level loud'], dir);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('expected debug, info, warn or error');
    expect((await agentdeck(['frobnicate'], dir)).code).toBe(2);
    expect((await agentdeck(['run'], dir)).code).toBe(2);
  });

  it('a configuration mistake is named in one line per problem, exit 2', async () => {
    writeFileSync(join(dir, 'agentdeck.config.json'), JSON.stringify({ agents: { concurrency: { bughunter: 'x' } }, approvals: { ttlMinutes: 0 } }));
    const r = await agentdeck(['run', 'status'], dir);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toEqual([
      'agentdeck.config.json: approvals.ttlMinutes: expected a whole number of minutes from 1 to 10080 (a week), got 0',
      'agentdeck.config.json: agents.concurrency.bughunter: expected a whole number from 1 to 16, got "x"',
    ]);
  });

  it('--version, --help and init work in a fresh directory', async () => {
    const v = await agentdeck(['--version'], dir);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await agentdeck(['--help'], dir)).out).toContain('agentdeck run [--json] "<command>"');
    const init = await agentdeck(['init'], dir);
    expect(init.code).toBe(0);
    expect((await agentdeck(['run', 'health', '--output', 'json'], dir)).out).toContain('agentdeck.config.json is valid');
  });
});

describe('secrets', () => {
  let server: Server;
  let url: string;
  // Known values, shaped like the real ones; the fake echoes whatever it was sent.
  const SECRETS = {
    SUPABASE_SERVICE_ROLE_KEY: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.S3cr3tS1gnatureValue99',
    SUPABASE_ACCESS_TOKEN: 'sbp_0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b',
    RESEND_API_KEY: 're_S3cr3tResendKey_0123456789',
    ANTHROPIC_API_KEY: 'sk-ant-api03-S3cr3tAnthropicKey-0123456789',
  };
  const DB_PASSWORD = 'Db-Pa55word-S3cret';

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      // A hostile server that echoes the credentials back in its error message.
      res.end(JSON.stringify({ message: `rejected ${req.headers.authorization ?? ''} ${String(req.headers.apikey ?? '')}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('never appear in any output, from the environment or from .env', async () => {
    writeFileSync(join(dir, '.env'), `RESEND_API_KEY="${SECRETS.RESEND_API_KEY}"\nRESEND_BASE_URL=${url}\nSUPABASE_DB_URL=postgresql://app:${DB_PASSWORD}@127.0.0.1:9/app\n`);
    const env = {
      SUPABASE_URL: url,
      SUPABASE_SERVICE_ROLE_KEY: SECRETS.SUPABASE_SERVICE_ROLE_KEY,
      SUPABASE_ACCESS_TOKEN: SECRETS.SUPABASE_ACCESS_TOKEN,
      SUPABASE_PROJECT_REF: 'abcdefghijklmnopqrst',
      SUPABASE_API_URL: url,
      ANTHROPIC_API_KEY: SECRETS.ANTHROPIC_API_KEY,
    };
    const runs = [
      await agentdeck(['run', 'health'], dir, env),
      await agentdeck(['run', '--json', 'health'], dir, env),
      await agentdeck(['run', 'system status --output yaml'], dir, env),
      await agentdeck(['run', `create ticket "login fails with key ${SECRETS.RESEND_API_KEY} and ${DB_PASSWORD}"`], dir, env),
      await agentdeck(['run', 'system logs --level debug'], dir, env),
      await agentdeck(['run', '--json', `status --output json`], dir, env),
    ];
    const all = runs.map((r) => r.out + r.err).join('\n');
    // The checks did run and fail against the echoing server.
    expect(all).toContain('the service role key was refused (HTTP 401: rejected Bearer [redacted] [redacted])');
    expect(all).toContain('the access token was refused');
    expect(all).toContain('[redacted]');
    for (const value of [...Object.values(SECRETS), DB_PASSWORD]) expect(all).not.toContain(value);
  });
});
