// The MCP client against a local Streamable HTTP MCP server built with the official SDK.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRemoteTool, listRemoteTools, remoteMcpTarget, remoteTools, RemoteMcpError } from '../../../src/services/mcp/client.js';
import { startAppMcpServer, type AppMcpServer } from './app-mcp-server.js';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXRlc3Q';
let app: AppMcpServer;

beforeAll(async () => {
  app = await startAppMcpServer(KEY);
});
afterAll(async () => {
  await app.close();
});

describe('remote MCP client', () => {
  it('finds the edge function from SUPABASE_URL and refuses without credentials', () => {
    expect(remoteMcpTarget({ SUPABASE_URL: 'https://abc.supabase.co/', SUPABASE_SERVICE_ROLE_KEY: KEY })).toEqual({
      url: 'https://abc.supabase.co/functions/v1/mcp-server',
      key: KEY,
    });
    expect(() => remoteMcpTarget({ SUPABASE_URL: 'https://abc.supabase.co' })).toThrow(/needs SUPABASE_SERVICE_ROLE_KEY/);
    expect(() => remoteMcpTarget({ SUPABASE_URL: 'not a url', SUPABASE_SERVICE_ROLE_KEY: KEY })).toThrow(/SUPABASE_URL is not a URL/);
  });

  it('lists the tools with their schemas and hints', async () => {
    const tools = await listRemoteTools(remoteMcpTarget({ SUPABASE_URL: app.url, SUPABASE_SERVICE_ROLE_KEY: KEY }));
    expect(tools.map((t) => t.name).sort()).toEqual(['always_fails', 'create_estimate_record', 'echo_auth', 'list_customers']);
    const create = tools.find((t) => t.name === 'create_estimate_record');
    expect(create?.destructive).toBe(true);
    expect(create?.inputSchema).toMatchObject({ type: 'object', required: ['customer_id', 'amount'] });
    expect(tools.find((t) => t.name === 'list_customers')?.readOnly).toBe(true);
  });

  it('calls a tool with the bearer service role key and returns its text', async () => {
    const tools = remoteTools({ SUPABASE_URL: app.url, SUPABASE_SERVICE_ROLE_KEY: KEY });
    const result = await tools.call('list_customers', { prefix: 'A' });
    expect(result).toEqual({ isError: false, text: 'Ada Lovelace\nAlan Turing', structured: { count: 2 } });
    expect(app.calls.at(-1)).toEqual({ name: 'list_customers', args: { prefix: 'A' }, authorization: `Bearer ${KEY}` });
    const failing = await tools.call('always_fails', {});
    expect(failing).toEqual({ isError: true, text: 'the database is read-only right now' });
  });

  it('reports bad arguments and unknown tools as the server words them', async () => {
    const target = remoteMcpTarget({ SUPABASE_URL: app.url, SUPABASE_SERVICE_ROLE_KEY: KEY });
    const bad = await callRemoteTool(target, 'create_estimate_record', { customer_id: 'c1', amount: -5 });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/amount/);
    // The SDK's server answers an unknown tool with an error result (not a protocol error).
    const unknown = await callRemoteTool(target, 'no_such_tool', {});
    expect(unknown).toEqual({ isError: true, text: 'MCP error -32602: Tool no_such_tool not found' });
  });

  it('says clearly when the key is refused, the function is missing or the host is down', async () => {
    const wrongKey = await listRemoteTools({ url: `${app.url}/functions/v1/mcp-server`, key: 'wrong-key-123' }).catch((e: unknown) => e);
    expect(wrongKey).toBeInstanceOf(RemoteMcpError);
    expect((wrongKey as RemoteMcpError).code).toBe('unauthorized');
    expect((wrongKey as Error).message).toMatch(/refused the service role key \(HTTP 401\)/);
    expect((wrongKey as Error).message).not.toContain('wrong-key-123');

    const missing = await listRemoteTools({ url: `${app.url}/functions/v1/other`, key: KEY }).catch((e: unknown) => e);
    expect((missing as RemoteMcpError).code).toBe('not_found');

    const down = await listRemoteTools({ url: 'http://127.0.0.1:9/functions/v1/mcp-server', key: KEY }).catch((e: unknown) => e);
    expect((down as RemoteMcpError).code).toBe('unreachable');
    expect((down as Error).message).toMatch(/cannot reach the app's MCP server/);
  });
});

describe('remote MCP client against a broken server', () => {
  it('reports a server error status in one line', async () => {
    const broken = createServer((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded'));
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const port = (broken.address() as { port: number }).port;
    try {
      const error = await listRemoteTools({ url: `http://127.0.0.1:${port}/functions/v1/mcp-server`, key: KEY }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteMcpError);
      expect((error as RemoteMcpError).code).toBe('protocol');
      expect((error as Error).message).toMatch(/failed at .*: HTTP 500$/);
    } finally {
      broken.closeAllConnections();
      await new Promise((r) => broken.close(r));
    }
  });
});
