// A local stand-in for the app's `mcp-server` edge function: the official SDK's McpServer over
// Streamable HTTP (stateless), behind the edge gateway's bearer check, at /functions/v1/mcp-server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod';

export interface AppMcpServer {
  readonly url: string;
  readonly calls: { name: string; args: unknown; authorization: string | undefined }[];
  close(): Promise<void>;
}

export async function startAppMcpServer(serviceKey: string): Promise<AppMcpServer> {
  const calls: AppMcpServer['calls'] = [];
  const build = (authorization: string | undefined): McpServer => {
    const server = new McpServer({ name: 'crm-mcp-server', version: '1.0.0' });
    server.registerTool(
      'list_customers',
      { description: 'List customers by name prefix', inputSchema: { prefix: z.string().optional() }, annotations: { readOnlyHint: true } },
      async ({ prefix }) => {
        calls.push({ name: 'list_customers', args: { prefix }, authorization });
        const names = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'].filter((n) => !prefix || n.startsWith(prefix));
        return { content: [{ type: 'text', text: names.join('\n') }], structuredContent: { count: names.length } };
      },
    );
    server.registerTool(
      'create_estimate_record',
      {
        description: 'Create an estimate for a customer',
        inputSchema: { customer_id: z.string(), amount: z.number().positive() },
        annotations: { destructiveHint: true },
      },
      async ({ customer_id, amount }) => {
        calls.push({ name: 'create_estimate_record', args: { customer_id, amount }, authorization });
        return { content: [{ type: 'text', text: `estimate created for ${customer_id}: ${amount}` }] };
      },
    );
    // A careless tool that echoes the caller's credentials: agentdeck must not show them.
    server.registerTool('echo_auth', { description: 'Echoes the request headers', inputSchema: {} }, async () => ({
      content: [{ type: 'text', text: `you sent: ${authorization ?? 'nothing'}` }],
      structuredContent: { authorization: authorization ?? null },
    }));
    server.registerTool('always_fails', { description: 'Fails', inputSchema: {} }, async () => ({
      content: [{ type: 'text', text: 'the database is read-only right now' }],
      isError: true,
    }));
    return server;
  };

  const http: Server = createServer((req, res) => {
    void (async () => {
      if (!req.url?.startsWith('/functions/v1/mcp-server')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: 'Requested function was not found' }));
        return;
      }
      if (req.headers.authorization !== `Bearer ${serviceKey}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 401, message: 'Invalid JWT' }));
        return;
      }
      const server = build(req.headers.authorization);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
