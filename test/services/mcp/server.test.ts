// The MCP server with the real engine behind it, driven by the official SDK client over an
// in-memory transport pair and over a pair of streams (the stdio subprocess is in stdio.test.ts).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/commands/registry.js';
import { createMcpServer, runMcpServer, toolResult } from '../../../src/services/mcp/server.js';
import { incomplete } from '../../../src/agents/types.js';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { tempDir } from '../../helpers/tmp.js';
import { openSession } from '../../../src/cli/session.js';
import { loadProject } from '../../../src/services/config/project.js';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.bWNwLXNlcnZlci10ZXN0LWtleQ';
const USER = '123e4567-e89b-12d3-a456-426614174000';
let t: TestContext;
let client: Client;

beforeEach(async () => {
  t = makeContext({ secrets: [KEY] });
  writeFileSync(join(t.root, '.env'), `SUPABASE_URL=http://127.0.0.1:9\nSUPABASE_SERVICE_ROLE_KEY=${KEY}\n`);
  const server = createMcpServer({ commands: COMMANDS, redact: t.bus.redact, dispatch: (c, o) => t.engine.dispatch(c, o) });
  const [a, b] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'test', version: '1.0.0' });
  await Promise.all([server.connect(a), client.connect(b)]);
});
afterEach(async () => {
  await client.close();
  t.cleanup();
});

describe('agentdeck MCP server', () => {
  it('lists every command but the human-only ones, with schemas and hints', async () => {
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(COMMANDS.length - 2);
    const names = tools.map((x) => x.name);
    expect(names).toContain('email');
    expect(names).toContain('backup_schedule_create');
    expect(names).not.toContain('approve');
    expect(names).not.toContain('reject');
    expect(tools.find((x) => x.name === 'backup_delete')?.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    expect(tools.find((x) => x.name === 'mcp_tools')?.annotations?.readOnlyHint).toBe(true);
  });

  it('runs a command through the engine as initiator mcp', async () => {
    const result = await client.callTool({ name: 'email', arguments: { message: 'hello from a tool' } });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({ ok: true, status: 'done', runId: expect.stringMatching(/./) });
    expect(existsSync(join(t.root, '.agentdeck', 'outbox'))).toBe(true);
    const run = t.state.db.prepare('SELECT line, initiator, status FROM runs WHERE command_id = ?').get('email') as Record<string, string>;
    expect(run).toEqual({ line: 'email "hello from a tool"', initiator: 'mcp', status: 'done' });
  });

  it('answers with the pending approval id instead of running an approval-gated command', async () => {
    const result = await client.callTool({ name: 'emergency_access', arguments: { user: USER, reason: 'customer is locked out' } });
    expect(result.isError).toBe(false);
    const s = result.structuredContent as { status: string; approvalId: string };
    expect(s.status).toBe('waiting_approval');
    const row = t.state.db.prepare('SELECT status, requested_by FROM approvals WHERE id = ?').get(s.approvalId) as Record<string, string>;
    expect(row.status).toBe('pending');
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text).toContain(`a person approves it in the agentdeck console (\`approve ${s.approvalId}\`); no tool can decide it`);
    // Approving is not something a tool caller can do.
    const self = await client.callTool({ name: 'approve', arguments: { id: s.approvalId } });
    expect(self.isError).toBe(true);
    expect((self.content as { text: string }[])[0]!.text).toMatch(/approvals are given by a person/);
    expect((t.state.db.prepare('SELECT status FROM approvals WHERE id = ?').get(s.approvalId) as { status: string }).status).toBe('pending');
  });

  it('refuses bad arguments and unknown tools with one line', async () => {
    const bad = await client.callTool({ name: 'emergency_access', arguments: { user: 'nobody', reason: 'x' } });
    expect(bad.isError).toBe(true);
    expect((bad.content as { text: string }[])[0]!.text).toMatch(/^emergency_access: user: .*accepted: a user id \(UUID\) or email address$/);
    const unknown = await client.callTool({ name: 'no_such_command', arguments: {} });
    expect(unknown.isError).toBe(true);
    expect((unknown.content as { text: string }[])[0]!.text).toMatch(/unknown tool "no_such_command"/);
  });

  it('never returns a configured secret', async () => {
    const result = toolResult({ ok: false, status: 'failed', message: `bad key ${KEY}`, data: { nested: [KEY] }, error: { code: 'x', message: KEY } }, t.bus.redact);
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(result.isError).toBe(true);
  });

  it('an incomplete result is an error with its status and the checks that did not run', () => {
    const result = toolResult(incomplete('0 issue(s)', [{ check: 'database checks', why: 'no database' }], { findings: [] }), t.bus.redact);
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ ok: false, status: 'incomplete', data: { incomplete: [{ check: 'database checks', why: 'no database' }] } });
    expect((result.content as { text: string }[])[0]!.text).toBe('incomplete: database checks could not run (no database); 0 issue(s)');
  });
});

describe('runMcpServer', () => {
  it('serves over a pair of streams until the client hangs up, then closes the session', async () => {
    const project = tempDir('agentdeck-mcp-run-');
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    const session = await openSession(loadProject(project.dir, {}));
    let closed = false;
    const served = runMcpServer({
      stdin: toServer,
      stdout: fromServer,
      boot: async () => ({
        commands: COMMANDS,
        redact: session.bus.redact,
        dispatch: (cmd, o) => session.engine.dispatch(cmd, o),
        close: async () => {
          closed = true;
          await session.close();
        },
      }),
    });
    // A minimal client transport over the two streams, framed as the stdio transport frames.
    const buffer = new ReadBuffer();
    const transport = {
      onmessage: undefined as ((m: unknown) => void) | undefined,
      onclose: undefined as (() => void) | undefined,
      onerror: undefined as ((e: Error) => void) | undefined,
      async start() {
        fromServer.on('data', (chunk: Buffer) => {
          buffer.append(chunk);
          for (let m = buffer.readMessage(); m; m = buffer.readMessage()) transport.onmessage?.(m);
        });
      },
      async send(message: Parameters<typeof serializeMessage>[0]) {
        toServer.write(serializeMessage(message));
      },
      async close() {
        toServer.end();
        transport.onclose?.();
      },
    };
    const c = new Client({ name: 'streams', version: '1.0.0' });
    await c.connect(transport as never);
    const { tools } = await c.listTools();
    expect(tools.length).toBe(COMMANDS.length - 2);
    const result = await c.callTool({ name: 'email', arguments: { message: 'over streams' } });
    expect(result.isError).toBe(false);
    await c.close();
    expect(await served).toBe(0);
    expect(closed).toBe(true);
    expect(console.log).not.toBe(console.error);
    project.cleanup();
  });
});
