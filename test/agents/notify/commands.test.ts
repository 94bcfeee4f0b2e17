// The `email`, `mcp tools` and `mcp call` commands through the real engine, against a local
// Resend stand-in and a local MCP server built with the official SDK.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { startFakeResend, FAKE_RESEND_KEY, type FakeResend } from '../../fakes/resend/server.js';
import { startAppMcpServer, type AppMcpServer } from '../../services/mcp/app-mcp-server.js';

const SERVICE_KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.bm90aWZ5LWNvbW1hbmRzLXRlc3Q';
let resend: FakeResend;
let app: AppMcpServer;
const contexts: TestContext[] = [];

beforeAll(async () => {
  [resend, app] = await Promise.all([startFakeResend(), startAppMcpServer(SERVICE_KEY)]);
});
afterAll(async () => {
  await Promise.all([resend.close(), app.close()]);
});
afterEach(() => {
  for (const c of contexts.splice(0)) c.cleanup();
});

function project(env: string): TestContext {
  const t = makeContext({ secrets: [FAKE_RESEND_KEY, SERVICE_KEY] });
  writeFileSync(join(t.root, '.env'), env);
  contexts.push(t);
  return t;
}

describe('email', () => {
  it('without RESEND_API_KEY writes an .eml file with both bodies', async () => {
    const t = project('AGENTDECK_EMAIL_TO=ops@example.com\n');
    const result = await t.engine.dispatch('email "Staging is ready for review" --subject "Ready"', { initiator: 'you' });
    expect(result).toMatchObject({ ok: true, status: 'done', data: { transport: 'eml', status: 'sent', to: ['ops@example.com'] } });
    expect(result.message).toMatch(/^Email written to .*\.eml \(set RESEND_API_KEY to send it\)$/);
    const dir = join(t.root, '.agentdeck', 'outbox');
    const [file] = readdirSync(dir);
    const eml = readFileSync(join(dir, file!), 'utf8');
    expect(eml).toContain('To: ops@example.com');
    expect(eml).toContain('Subject: [agentdeck] Ready');
    expect(eml).toContain('Content-Type: multipart/alternative');
    const parts = eml.split(/\r\n--agentdeck-[^\r\n]+/);
    const decoded = parts.map((p) => Buffer.from(p.split('\r\n\r\n')[1] ?? '', 'base64').toString('utf8')).join('\n');
    expect(decoded).toContain('Staging is ready for review');
    expect(decoded).toContain('<p>Staging is ready for review</p>');
    expect(t.lines().join('\n')).toMatch(/\[ORCHESTRATOR\] ✓ Email written to .*\.eml/);
  });

  it('with RESEND_API_KEY sends through Resend, retrying a server error with the same key', async () => {
    const t = project(`RESEND_API_KEY=${FAKE_RESEND_KEY}\nRESEND_BASE_URL=${resend.url}\nAGENTDECK_EMAIL_TO=ops@example.com, lead@example.com\nAGENTDECK_EMAIL_FROM=deck@example.com\n`);
    resend.inject({ kind: '503' });
    const before = resend.accepted.length;
    const result = await t.engine.dispatch('email deploy finished', { initiator: 'you' });
    expect(result).toMatchObject({ ok: true, message: 'Email sent to ops@example.com, lead@example.com' });
    expect(resend.accepted.length).toBe(before + 1);
    expect(resend.accepted.at(-1)?.body).toMatchObject({ from: 'deck@example.com', to: ['ops@example.com', 'lead@example.com'], subject: '[agentdeck] deploy finished' });
    const keys = resend.requests.slice(-2).map((r) => r.idempotencyKey);
    expect(keys[0]).toBe(keys[1]);
  });

  it('a validation error ends the email failed with Resend\'s reason', async () => {
    const t = project(`RESEND_API_KEY=${FAKE_RESEND_KEY}\nRESEND_BASE_URL=${resend.url}\nAGENTDECK_EMAIL_TO=ops@example.com\n`);
    resend.inject({ kind: '422', message: 'The deck@example.com domain is not verified.' });
    const result = await t.engine.dispatch('email hello', { initiator: 'you' });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/Email not sent: Resend refused the email \(422 validation_error: The deck@example.com domain is not verified.\)/);
  });

  it('with Resend but no recipient says what to set', async () => {
    const t = project(`RESEND_API_KEY=${FAKE_RESEND_KEY}\nRESEND_BASE_URL=${resend.url}\n`);
    const result = await t.engine.dispatch('email hello', { initiator: 'you' });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/no recipient: set AGENTDECK_EMAIL_TO/);
  });
});

describe('mcp tools / mcp call', () => {
  it('lists the app\'s tools as a table or JSON', async () => {
    const t = project(`SUPABASE_URL=${app.url}\nSUPABASE_SERVICE_ROLE_KEY=${SERVICE_KEY}\n`);
    const table = await t.engine.dispatch('mcp tools', { initiator: 'you' });
    expect(table).toMatchObject({ ok: true, message: "4 tools on the app's MCP server" });
    expect(table.lines?.[0]).toMatch(/^TOOL\s+KIND\s+DESCRIPTION$/);
    expect(table.lines?.join('\n')).toMatch(/create_estimate_record\s+destructive\s+Create an estimate/);
    const json = await t.engine.dispatch('mcp tools --output json', { initiator: 'you' });
    expect(JSON.parse(json.lines!.join('\n'))).toHaveLength(4);
  });

  it('calls a tool with JSON arguments and shows its answer', async () => {
    const t = project(`SUPABASE_URL=${app.url}\nSUPABASE_SERVICE_ROLE_KEY=${SERVICE_KEY}\n`);
    const result = await t.engine.dispatch(`mcp call list_customers '{"prefix": "G"}'`, { initiator: 'you' });
    expect(result).toMatchObject({ ok: true, message: 'list_customers answered', lines: ['Grace Hopper'] });
    expect(app.calls.at(-1)).toMatchObject({ name: 'list_customers', args: { prefix: 'G' } });
    const log = t.lines().join('\n');
    expect(log).toContain("Calling list_customers on the app's MCP server");
    expect(log).toContain('[ORCHESTRATOR] ✓ list_customers answered');
    const failing = await t.engine.dispatch('mcp call always_fails', { initiator: 'you' });
    expect(failing).toMatchObject({ ok: false, message: 'always_fails failed: the database is read-only right now' });
    const yaml = await t.engine.dispatch(`mcp call list_customers '{}' --output yaml`, { initiator: 'you' });
    expect(yaml.lines?.join('\n')).toContain('isError: false');
  });

  it('says what is missing or wrong in one line', async () => {
    const none = project('');
    expect((await none.engine.dispatch('mcp tools', { initiator: 'you' })).message).toMatch(/needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY/);
    const wrong = project(`SUPABASE_URL=${app.url}\nSUPABASE_SERVICE_ROLE_KEY=not-the-key-000\n`);
    const refused = await wrong.engine.dispatch('mcp call list_customers', { initiator: 'you' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(refused.message).not.toContain('not-the-key-000');
  });
});
