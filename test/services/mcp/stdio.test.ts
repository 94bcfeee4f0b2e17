// `agentdeck mcp` as a real subprocess over stdio, driven by the official SDK's client.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openState } from '../../../src/services/state/db.js';
import { bundleEntry } from '../../helpers/bundle.js';

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c3RkaW8tbWNwLXRlc3Qta2V5';
let root: string;
let client: Client;
let stderr = '';
let entry = '';


beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'agentdeck-mcp-stdio-'));
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, '.env'), `SUPABASE_URL=http://127.0.0.1:9\nSUPABASE_SERVICE_ROLE_KEY=${SECRET}\n`);
  entry = await bundleEntry(resolve('test/services/mcp/stdio-entry.ts'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [entry],
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: root, AGENTDECK_EMAIL_TO: 'ops@example.com' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  client = new Client({ name: 'stdio-test', version: '1.0.0' });
  await client.connect(transport);
});
afterAll(async () => {
  await client?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(entry, { force: true });
});

describe('agentdeck mcp over stdio', () => {
  it('lists the registry commands as tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(40);
    const email = tools.find((x) => x.name === 'email');
    expect(email?.inputSchema).toMatchObject({ type: 'object', required: ['message'] });
    expect(tools.find((x) => x.name === 'system_restore_from')?.annotations?.destructiveHint).toBe(true);
  });

  it('calls a tool: the email lands in the outbox of the project it serves', async () => {
    const result = await client.callTool({ name: 'email', arguments: { message: 'sent over stdio', subject: 'stdio' } });
    expect(result.isError).toBe(false);
    expect((result.content as { text: string }[])[0]!.text).toMatch(/^Email written to .*\.eml/);
    expect(readdirSync(join(root, '.agentdeck', 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    const state = openState(root);
    try {
      const row = state.db.prepare('SELECT to_json, subject, status FROM outbox').get() as Record<string, string>;
      expect(row).toEqual({ to_json: '["ops@example.com"]', subject: '[agentdeck] stdio', status: 'sent' });
    } finally {
      state.close();
    }
  });

  it('returns the pending approval id for an approval-gated command, and no secret', async () => {
    const result = await client.callTool({ name: 'emergency_access', arguments: { user: 'ada@example.com', reason: 'locked out of estimates' } });
    const s = result.structuredContent as { status: string; approvalId?: string };
    expect(s.status).toBe('waiting_approval');
    expect(s.approvalId).toMatch(/\S/);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(stderr).not.toContain(SECRET);
  });
});
