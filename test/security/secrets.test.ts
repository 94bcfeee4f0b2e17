// Known secret values are configured, runs try hard to leak them (typed into commands, echoed
// back by a careless server, inside connection errors), and then every output channel is
// scanned: screen frames, the logs (events table), the audit trail, the outbox and every file
// under .agentdeck (.eml files, history), emails as Resend received them, MCP tool results, and
// what `run` and `run --json` print. Then the project is committed with `git add -A` and every
// text column of every table, the raw state db files, every file under the project and every
// git object are searched too. None of the values may appear anywhere.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRuntime } from '../../src/agents/runtime/types.js';
import type { CommandResult } from '../../src/agents/types.js';
import { main } from '../../src/cli.js';
import { COMMANDS } from '../../src/commands/registry.js';
import { loadProject } from '../../src/services/config/project.js';
import { startNotifications } from '../../src/services/email/index.js';
import { createMcpServer } from '../../src/services/mcp/server.js';
import { connectStore, createDeckStore, hydrate } from '../../src/store/index.js';
import { buildDashboard } from '../../src/ui/index.js';
import { startFakeResend, type FakeResend } from '../fakes/resend/server.js';
import { makeContext, type TestContext } from '../helpers/context.js';
import { everyColumn } from '../helpers/state-text.js';
import { tempDir } from '../helpers/tmp.js';
import { startAppMcpServer, type AppMcpServer } from '../services/mcp/app-mcp-server.js';
import { KEYS, plain, renderAt, tick, type Rendered } from '../ui/harness.js';

const DB_PASSWORD = 'Pg-Passw0rd-Secret-77';
const SECRETS = {
  SUPABASE_SERVICE_ROLE_KEY: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIiwicmVmIjoic2VjcmV0cyJ9.k3y-S1gnatur3_secrets_test',
  SUPABASE_ACCESS_TOKEN: 'sbp_0123456789abcdef0123456789abcdef01234567',
  RESEND_API_KEY: 're_Secr3tResendKey_0123456789',
  ANTHROPIC_API_KEY: 'sk-ant-api03-secretsTestKey-0123456789abcdef',
  CRM_WEBHOOK_SECRET: 'plain-webhook-secret-value-42',
} as const;
const DB_URL = `postgresql://postgres:${DB_PASSWORD}@127.0.0.1:9/postgres`;
// Typed by hand, configured nowhere: only their shapes give them away.
const TYPED = {
  anthropic: 'sk-ant-api03-typedMarkerNotConfigured-0123456789',
  bearer: 'tb9typedBearerMarker0123456789',
} as const;
const NEEDLES = [...Object.values(SECRETS), DB_PASSWORD, DB_URL, ...Object.values(TYPED)];

let project: { dir: string; cleanup: () => void };
let resend: FakeResend;
let app: AppMcpServer;
let t: TestContext;
let stopNotifications: () => void;
let screen: Rendered;
let stopIngestion: () => void;
const results: CommandResult[] = [];
const mcpResults: unknown[] = [];
const runJson: string[] = [];
let typingFrom = 0;
let submittedAt = 0;

function leaks(text: string): string[] {
  return NEEDLES.filter((n) => text.includes(n));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function git(args: readonly string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', ...args], { cwd: project.dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  [resend, app] = await Promise.all([startFakeResend({ apiKey: SECRETS.RESEND_API_KEY }), startAppMcpServer(SECRETS.SUPABASE_SERVICE_ROLE_KEY)]);
  project = tempDir('agentdeck-secrets-');
  // A real repository, set up as users do: `.env` ignored, nothing else.
  git(['init', '-q', '-b', 'main']);
  writeFileSync(join(project.dir, '.gitignore'), '.env\n');
  writeFileSync(join(project.dir, 'package.json'), '{"name":"crm-app","private":true}\n');
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'initial']);
  writeFileSync(
    join(project.dir, '.env'),
    [
      ...Object.entries(SECRETS).map(([k, v]) => `${k}=${v}`),
      `SUPABASE_URL=${app.url}`,
      `SUPABASE_DB_URL=${DB_URL}`,
      'SUPABASE_API_URL=http://127.0.0.1:9',
      'SUPABASE_PROJECT_REF=abcdefghijklmnopqrst',
      `RESEND_BASE_URL=${resend.url}`,
      'AGENTDECK_EMAIL_TO=ops@example.com',
      '',
    ].join('\n'),
  );
  const loaded = loadProject(project.dir, {});
  // Every configured value is known to the redactor, from the .env file alone.
  for (const v of Object.values(SECRETS)) expect(loaded.secrets).toContain(v);
  // A careless model: it writes the request it was given into the code (and so into git).
  const model: AgentRuntime = {
    name: 'claude',
    hasModel: true,
    run: (request) => {
      if (request.agent === 'codesmith') writeFileSync(join(request.cwd ?? project.dir, 'generated-request.txt'), request.prompt);
      return Promise.resolve({ status: 'done', text: 'written', costUsd: null });
    },
  };
  t = makeContext({ root: project.dir, secrets: loaded.secrets, run: false, runtime: model });
  stopNotifications = startNotifications({ bus: t.bus, state: t.state, project: loaded }).stop;

  const store = createDeckStore();
  hydrate(store, t.state);
  stopIngestion = connectStore(store, t.bus, { flushMs: 10 }).stop;
  const parts = buildDashboard({ root: t.root, engine: t.engine, store, bus: t.bus, project: 'crm-app', target: 'local', env: {} }, () => undefined);
  screen = renderAt(parts.element, 160, 50);
});

afterAll(async () => {
  screen?.unmount();
  stopIngestion?.();
  stopNotifications?.();
  t?.cleanup();
  project?.cleanup();
  await Promise.all([resend?.close(), app?.close()]);
});

describe('no secret reaches any output channel', () => {
  it('runs commands that try to leak them', async () => {
    const lines = [
      `email "the resend key is ${SECRETS.RESEND_API_KEY} and the hook ${SECRETS.CRM_WEBHOOK_SECRET}"`,
      `create ticket "login fails with ${DB_URL} and ${SECRETS.SUPABASE_SERVICE_ROLE_KEY}"`,
      'mcp call echo_auth',
      'mcp tools --output json',
      'migrate status',
      'system status',
      `emergency access 123e4567-e89b-12d3-a456-426614174000 --reason "token ${SECRETS.SUPABASE_ACCESS_TOKEN}"`,
      `mcp call list_customers '{"prefix": "${SECRETS.ANTHROPIC_API_KEY}"}'`,
      // Free text opens a ticket titled after it, and the model's work is committed.
      `generate api charge the card with ${TYPED.anthropic} and ${SECRETS.RESEND_API_KEY}`,
      `create ticket "curl -H 'Authorization: Bearer ${TYPED.bearer}' fails"`,
      // The provider refuses this one and echoes the request's Authorization header back.
      'email "echo-auth please"',
    ];
    resend.failWhenSubjectHas('echo-auth', { kind: 'echo-auth' });
    for (const line of lines) results.push(await t.engine.dispatch(line, { initiator: 'you' }));
    // The careless server did echo the key; the result shows that it was redacted.
    expect(results[2]?.lines?.join('\n')).toContain('you sent: Bearer [redacted]');
    expect(results[0]?.ok).toBe(true);
    expect(resend.accepted.length).toBeGreaterThan(0);
    expect(results[8]).toMatchObject({ ok: true });
    // The refused email is stored failed, with the provider's reason (and no key in it).
    const failedRow = (): { last_error: string } | undefined =>
      t.state.db.prepare("SELECT last_error FROM outbox WHERE subject LIKE '%echo-auth%' AND status = 'failed'").get() as { last_error: string } | undefined;
    for (let i = 0; i < 200 && !failedRow(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(failedRow()?.last_error).toContain('Authorization: Bearer [');
  });

  it('through the MCP server', async () => {
    const server = createMcpServer({ commands: COMMANDS, redact: t.bus.redact, dispatch: (c, o) => t.engine.dispatch(c, o) });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'secrets', version: '1.0.0' });
    await Promise.all([server.connect(a), client.connect(b)]);
    mcpResults.push(await client.listTools());
    mcpResults.push(await client.callTool({ name: 'mcp_call', arguments: { tool: 'echo_auth' } }));
    mcpResults.push(await client.callTool({ name: 'email', arguments: { message: `again ${SECRETS.RESEND_API_KEY}` } }));
    mcpResults.push(await client.callTool({ name: 'create_ticket', arguments: { title: `leak ${SECRETS.CRM_WEBHOOK_SECRET}` } }));
    mcpResults.push(await client.callTool({ name: 'emergency_access', arguments: { user: 'ada@example.com', reason: `see ${SECRETS.ANTHROPIC_API_KEY}` } }));
    mcpResults.push(await client.callTool({ name: 'generate_api', arguments: { route: 'refund the order', details: `using ${TYPED.anthropic} over mcp` } }));
    expect(JSON.stringify(mcpResults.at(-1))).toContain('generated');
    mcpResults.push(await client.callTool({ name: 'create_ticket', arguments: { title: `curl -H "Authorization: Bearer ${TYPED.bearer}"` } }));
    await client.close();
    expect(JSON.stringify(mcpResults[1])).toContain('[redacted]');
  });

  it('through `agentdeck run` and `agentdeck run --json`', async () => {
    const lines = [
      ['--json', `email "json ${SECRETS.RESEND_API_KEY}"`],
      ['--json', 'mcp call echo_auth'],
      ['--json', `create ticket "json ${SECRETS.CRM_WEBHOOK_SECRET}"`],
      [`create ticket "text ${SECRETS.SUPABASE_ACCESS_TOKEN} and ${TYPED.anthropic}"`],
      ['status'],
      ['--json', 'status'],
    ];
    for (const args of lines) {
      let out = '';
      const stdout = new Writable({
        write(chunk: Buffer, _enc, done) {
          out += chunk.toString();
          done();
        },
      });
      await main(['run', ...args], { cwd: project.dir, env: {}, stdout, stderr: stdout });
      runJson.push(out);
    }
    expect(JSON.parse(runJson[1]!)).toMatchObject({ ok: true });
  });

  it('typed into the dashboard', async () => {
    // The prompt echoes the user's own keystrokes; before and after that, nothing may show them.
    typingFrom = screen.stdout.frames.length;
    // The runs above were on screen, with their secrets redacted.
    expect(screen.stdout.frames.map(plain).join('\n')).toMatch(/the resend key is \[(redacted|secret:RESEND_API_KEY)\]/);
    screen.stdin.write(`@agent email "dashboard ${SECRETS.CRM_WEBHOOK_SECRET}"`);
    await tick(20);
    submittedAt = screen.stdout.frames.length;
    await screen.press(KEYS.enter);
    for (let i = 0; i < 100 && !plain(screen.lastFrame()).includes('Email sent'); i++) await tick(20);
    expect(plain(screen.lastFrame())).toContain('Email sent');
  });

  it('finds none of them in any channel', async () => {
    await new Promise((r) => setTimeout(r, 50));
    t.bus.flush();
    const channels: Record<string, string> = {
      'MCP responses': JSON.stringify(mcpResults),
      'run --json output': runJson.join('\n'),
      'screen frames': [...screen.stdout.frames.slice(0, typingFrom), ...screen.stdout.frames.slice(submittedAt)].map(plain).join('\n'),
      'emails as Resend received them': JSON.stringify(resend.accepted.map((e) => e.body)),
    };
    // Every column of every table: runs and tickets keep typed lines as placeholders.
    const columns = everyColumn(t.state.db);
    for (const [column, text] of Object.entries(columns)) channels[`column ${column}`] = text;
    // Every file of the project (the db files byte for byte, with its WAL), but the `.env`
    // that holds the values on purpose, and git's own compressed store (searched below).
    for (const file of filesUnder(project.dir).filter((f) => !f.startsWith(join(project.dir, '.git') + '/') && f !== join(project.dir, '.env'))) {
      channels[file] = readFileSync(file, 'latin1');
    }
    // The project committed as a careless user would: the state dir ignores itself.
    git(['add', '-A']);
    git(['commit', '-q', '--allow-empty', '-m', 'everything']);
    const tracked = git(['ls-files']);
    expect(tracked).not.toContain('.agentdeck/');
    channels['git objects'] = git(['cat-file', '--batch-all-objects', '--batch']);
    const found = Object.entries(channels).flatMap(([name, text]) => leaks(text).map((n) => `${name}: ${n.slice(0, 12)}…`));
    expect(found).toEqual([]);
    // The sweep saw real content: typed secrets are kept as named placeholders.
    expect(columns['runs.line']).toContain('[secret:RESEND_API_KEY]');
    expect(columns['runs.secret_names']).toContain('RESEND_API_KEY');
    // Free text over MCP and the console opened tickets titled after it, the tokens redacted.
    expect(columns['tickets.title']).toContain('refund the order using [redacted] over mcp');
    expect(columns['tickets.title']).toContain('charge the card with [redacted] and [redacted]');
    // The model's work was committed on the ticket's branch, under a redacted message.
    expect(git(['log', '--all', '--format=%s'])).toContain('charge the card with [redacted] and [redacted]');
    expect(columns['events.message']!.length).toBeGreaterThan(100);
    expect(columns['outbox.id']!.split('\n').length).toBeGreaterThan(1);

  });
});
