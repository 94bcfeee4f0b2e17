// The state db keeps no secret, by construction: whatever writes through it (a repo, a raw
// prepared statement, named parameters, exec) stores placeholders and redacted shapes. A typed
// secret comes back from the environment on resume, and only where redaction put it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { arg, defineCommand } from '../../../src/commands/define.js';
import { parse } from '../../../src/commands/parse.js';
import { getRun } from '../../../src/agents/orchestrator/runs-repo.js';
import { fail, handle, ok, type HandlerTable } from '../../../src/agents/types.js';
import { collectNamedSecrets } from '../../../src/services/config/secrets.js';
import { renderTable } from '../../../src/services/format/output.js';
import { clipRedacted, createRedactor, expandPlaceholders } from '../../../src/services/secrets/redact.js';
import { appendAudit, verifyAudit } from '../../../src/services/state/audit.js';
import { openState } from '../../../src/services/state/db.js';
import { setKv } from '../../../src/services/state/kv.js';
import { MIGRATIONS } from '../../../src/services/state/schema.js';
import { createTicket } from '../../../src/services/state/tickets.js';
import { parsed } from '../../agents/orchestrator/fixtures.js';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { everyColumn } from '../../helpers/state-text.js';
import { tempDir } from '../../helpers/tmp.js';

const KEY = 're_RestMarkerKey_0123456789abc';
const TOKEN = 'sbp_0123456789abcdef0123456789abcdefRESTMARK';
const NEEDLES = [KEY, TOKEN, 'RestMarker', 'RESTMARK'];

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function project(env: Record<string, string> = { RESEND_API_KEY: KEY }): string {
  const dir = tempDir('agentdeck-rest-');
  cleanups.push(dir.cleanup);
  writeFileSync(join(dir.dir, '.env'), Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
  return dir.dir;
}

function everyText(state: ReturnType<typeof openState>): string {
  return Object.values(everyColumn(state.db)).join('\n');
}

describe('the state db redacts every write', () => {
  it('whatever path the text takes: repos, raw statements, named parameters, exec', () => {
    const root = project();
    const state = openState(root);
    cleanups.push(() => state.close());
    createTicket(state, { kind: 'TASK', title: `key ${KEY}`, description: `token ${TOKEN}`, data: { nested: [KEY] } });
    setKv(state, 'note', { text: `Authorization: Bearer ${TOKEN}` });
    state.db.prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)').run('raw', `raw ${KEY}`, 'now');
    state.db.prepare('INSERT INTO kv (key, value, updated_at) VALUES ($k, $v, $t)').run({ $k: 'named', $v: `named ${TOKEN}`, $t: 'now' });
    state.db.exec(`INSERT INTO kv (key, value, updated_at) VALUES ('exec', 'exec ${KEY}', 'now')`);
    state.stmt('UPDATE kv SET value = ? WHERE key = ?').run(`cached ${KEY}`, 'raw');
    const text = everyText(state);
    expect(NEEDLES.filter((n) => text.includes(n))).toEqual([]);
    // Configured values become their named placeholder; shapes become [redacted].
    expect(text).toContain('key [secret:RESEND_API_KEY]');
    expect(text).toContain('token [redacted]');
    expect(text).toContain('exec [secret:RESEND_API_KEY]');
    // And the raw file holds none of it either (checkpointed from the WAL first).
    state.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(join(root, '.agentdeck', 'state.db'), 'latin1');
    expect(NEEDLES.filter((n) => bytes.includes(n))).toEqual([]);
  });

  it('a JSON-escaped value is found too', () => {
    const quoted = 'pa"ss\\word-123';
    const root = project({ APP_PASSWORD: quoted });
    const state = openState(root);
    cleanups.push(() => state.close());
    setKv(state, 'cfg', { password: quoted });
    const text = everyText(state);
    expect(text).not.toContain(JSON.stringify(quoted).slice(1, -1));
    expect(text).toContain('[secret:APP_PASSWORD]');
  });

  it('audit rows hashed over redacted text still verify', () => {
    const root = project();
    const state = openState(root);
    cleanups.push(() => state.close());
    appendAudit(state, { initiator: 'you', action: `deploy ${KEY}`, result: `failed: Bearer ${TOKEN}`, data: { error: KEY } }, state.redact);
    appendAudit(state, { initiator: 'you', action: 'second', result: 'ok' }, state.redact);
    expect(verifyAudit(state)).toMatchObject({ ok: true });
    expect(everyText(state)).not.toContain(KEY);
  });
});

describe('a state db written before', () => {
  it('is scrubbed when it is opened: every table but the append-only audit, and typed runs stay resumable', () => {
    const root = project();
    mkdirSync(join(root, '.agentdeck'));
    const old = new DatabaseSync(join(root, '.agentdeck', 'state.db'));
    old.exec(MIGRATIONS[0]!.sql);
    old.exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL); INSERT INTO schema_version VALUES (1, 'then')");
    const ins = (sql: string, ...v: (string | null)[]) => old.prepare(sql).run(...v);
    ins("INSERT INTO runs (id, line, args_json, agent, status, initiator, created_at, updated_at, error) VALUES ('RUN-0001', ?, ?, 'ops', 'failed', 'you', 'now', 'now', ?)", `email ${KEY}`, JSON.stringify({ text: KEY }), `Bearer ${TOKEN}`);
    ins("INSERT INTO tickets (id, kind, year, seq, title, created_at, updated_at) VALUES ('TASK-2026-001', 'TASK', 2026, 1, ?, 'now', 'now')", `title ${TOKEN}`);
    ins("INSERT INTO events (ts, agent, kind, level, message, data_json) VALUES (1, 'ops', 'log', 'info', ?, ?)", `event ${KEY}`, JSON.stringify({ k: TOKEN }));
    ins("INSERT INTO outbox (id, reason, dedupe_key, to_json, sender, subject, text, idempotency_key, created_at, last_error) VALUES ('o1', 'r', 'd', '[]', 's', 'subj', 'body', 'i', 'now', ?)", `Authorization: Bearer ${KEY}`);
    ins("INSERT INTO kv (key, value, updated_at) VALUES ('k', ?, 'now')", JSON.stringify(KEY));
    old.close();
    const state = openState(root);
    cleanups.push(() => state.close());
    const text = everyText(state);
    expect(NEEDLES.filter((n) => text.includes(n))).toEqual([]);
    const run = getRun(state, 'RUN-0001')!;
    expect(run.line).toBe('email [secret:RESEND_API_KEY]');
    expect(run.secretNames).toEqual(['RESEND_API_KEY']);
  });
});

describe('.agentdeck ignores itself', () => {
  it('from the first open, so `git add -A` never commits the state db', () => {
    const root = project();
    const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    git('init', '-q');
    const state = openState(root);
    state.close();
    expect(readFileSync(join(root, '.agentdeck', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    git('add', '-A');
    expect(git('ls-files').stdout.split('\n').filter((f) => f.startsWith('.agentdeck'))).toEqual([]);
    // A second open leaves a user's edit of it alone.
    writeFileSync(join(root, '.agentdeck', '.gitignore'), '*\n!keep\n');
    openState(root).close();
    expect(readFileSync(join(root, '.agentdeck', '.gitignore'), 'utf8')).toBe('*\n!keep\n');
    expect(existsSync(join(root, '.agentdeck', 'state.db'))).toBe(true);
  });
});

// A run-mode command that fails the first time and records the args it was given.
const keep = defineCommand({
  id: 'test keep',
  args: [arg('text', 'text', z.string(), { description: 'x', accepts: 'x' })],
  flags: [],
  summary: 'x',
  help: 'x',
  examples: ['test keep x'],
  agent: 'ops',
  approval: null,
  mode: 'run',
});
const seen: string[] = [];
const handlers: HandlerTable = Object.fromEntries([
  handle(keep, (_ctx, args) => {
    seen.push(args.text);
    return Promise.resolve(seen.length === 1 ? fail('first', 'fails once') : ok('kept'));
  }),
]);

describe('a typed secret is stored as a placeholder and taken again on resume', () => {
  let t: TestContext;
  const start = (env: Record<string, string>): TestContext => {
    seen.length = 0;
    t = makeContext({ root: project(env), extra: { specs: [keep], handlers } });
    cleanups.push(() => t.cleanup());
    return t;
  };
  const dispatch = (text: string) => t.engine.dispatch(parsed(keep, { text }, `test keep "${text}"`), { initiator: 'you' });

  it('resumes with the value from the environment', async () => {
    start({ RESEND_API_KEY: KEY });
    const first = await dispatch(`send with ${KEY}`);
    expect(first.status).toBe('failed');
    const run = getRun(t.state, first.runId as string)!;
    expect(run.line).toBe('test keep "send with [secret:RESEND_API_KEY]"');
    expect(run.args).toEqual({ text: 'send with [secret:RESEND_API_KEY]' });
    expect(run.secretNames).toEqual(['RESEND_API_KEY']);
    const again = await t.engine.resume(run.id, { initiator: 'you' });
    expect(again.ok).toBe(true);
    expect(seen).toEqual([`send with ${KEY}`, `send with ${KEY}`]);
  });

  it('fails with one line naming the variable when it is not set, and stays resumable', async () => {
    start({ RESEND_API_KEY: KEY });
    const first = await dispatch(`send with ${KEY}`);
    writeFileSync(join(t.root, '.env'), '');
    const saved = process.env.RESEND_API_KEY;
    delete process.env.RESEND_API_KEY;
    try {
      const r = await t.engine.resume(first.runId as string, { initiator: 'you' });
      expect(r).toMatchObject({ ok: false, error: { code: 'needs_secret' } });
      expect(r.message).toBe(`${first.runId} was typed with a secret that is not set now: set RESEND_API_KEY in the environment or .env, then \`resume ${first.runId}\` again`);
      expect(getRun(t.state, first.runId as string)?.status).toBe('failed');
      expect(seen).toHaveLength(1);
    } finally {
      if (saved !== undefined) process.env.RESEND_API_KEY = saved;
    }
  });

  it('never fills a placeholder that was typed literally', async () => {
    start({ RESEND_API_KEY: KEY, SUPABASE_SERVICE_ROLE_KEY: 'service-role-secret-value' });
    // The line holds the Resend key (so that name is expandable) and a typed placeholder.
    const first = await dispatch(`mail [secret:SUPABASE_SERVICE_ROLE_KEY] and [secret:RESEND_API_KEY]`);
    expect(getRun(t.state, first.runId as string)?.secretNames).toEqual([]);
    await t.engine.resume(first.runId as string, { initiator: 'you' });
    expect(seen[1]).toBe('mail [secret:SUPABASE_SERVICE_ROLE_KEY] and [secret:RESEND_API_KEY]');
    expect(seen.join('\n')).not.toContain('service-role-secret-value');
  });
});

describe('redaction before truncation, and the shapes', () => {
  const redact = createRedactor();

  it('cuts only after redacting, so no half token survives', () => {
    const token = 'sk-ant-api03-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    expect(clipRedacted(`key ${token}`, 16)).toBe('key [redacted]');
    expect(clipRedacted(`a long prefix then ${token}`, 24)).not.toContain('sk-ant');
    const table = renderTable([{ v: `${token} tail` }], [{ header: 'v', value: 'v', max: 12 }]);
    expect(table.join('\n')).not.toContain('sk-ant');
    // The parser has no redactor: its error lines cut before the word the limit falls in.
    const typed = parse(`status --output "one two three four five six seven eight nine ten ${token}"`);
    expect(typed.ok).toBe(false);
    expect(typed.ok ? '' : typed.error).toContain('"one two three four five six seven eight nine ten..."');
  });

  it('redacts Authorization headers and bearer tokens, and leaves prose alone', () => {
    expect(redact('Rejected request with Authorization: Bearer abc123def456ghi')).toBe('Rejected request with Authorization: Bearer [redacted]');
    expect(redact('{"Authorization":"Basic dXNlcjpwYXNzd29yZA=="}')).toBe('{"Authorization":"Basic [redacted]"}');
    expect(redact('curl -H "Bearer tok3n-value-xyz"')).toBe('curl -H "Bearer [redacted]"');
    expect(redact('Bearer authentication is a basic scheme')).toBe('Bearer authentication is a basic scheme');
    // Idempotent: redacted text stays as it is.
    const once = redact(`Authorization: Bearer ${KEY} and postgres://u:pw123456@h/db`);
    expect(redact(once)).toBe(once);
  });

  it('expands only the names it is given, from the current values', () => {
    const secrets = collectNamedSecrets({ SUPABASE_DB_URL: 'postgres://u:p%40ssw0rd@h/db', RESEND_API_KEY: KEY });
    expect(secrets.map((s) => s.name).sort()).toEqual(['RESEND_API_KEY', 'SUPABASE_DB_URL', 'SUPABASE_DB_URL.password', 'SUPABASE_DB_URL.password']);
    const stored = createRedactor(secrets)('pw p%40ssw0rd key ' + KEY);
    expect(stored).toBe('pw [secret:SUPABASE_DB_URL.password] key [secret:RESEND_API_KEY]');
    const values: Record<string, string> = { 'SUPABASE_DB_URL.password': 'p%40ssw0rd' };
    expect(expandPlaceholders({ a: [stored] }, ['SUPABASE_DB_URL.password', 'RESEND_API_KEY'], (n) => values[n])).toEqual({
      value: { a: ['pw p%40ssw0rd key [secret:RESEND_API_KEY]'] },
      missing: ['RESEND_API_KEY'],
    });
  });
});
