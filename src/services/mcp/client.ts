// A client for the app's own MCP server: the `mcp-server` edge function at
// `${SUPABASE_URL}/functions/v1/mcp-server`, Streamable HTTP, bearer service role key.
// Agents use `remoteTools(env)`; the `mcp tools` / `mcp call` commands are thin over it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Credentials } from '../config/env.js';

export const MCP_FUNCTION_PATH = '/functions/v1/mcp-server';

export { RemoteMcpError, type RemoteMcpTarget, type RemoteTool, type RemoteCallResult } from './remote-types.js';
import { RemoteMcpError, type RemoteMcpTarget, type RemoteTool, type RemoteCallResult } from './remote-types.js';

/** Where the app's MCP server is, from SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY. */
export function remoteMcpTarget(env: Credentials): RemoteMcpTarget {
  const missing = (['SUPABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY'] as const).filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new RemoteMcpError('not_configured', `the app's MCP server needs ${missing.join(' and ')} (in the environment or .env)`);
  }
  let base: URL;
  try {
    base = new URL(env.SUPABASE_URL as string);
  } catch {
    throw new RemoteMcpError('not_configured', 'SUPABASE_URL is not a URL (expected https://<ref>.supabase.co)');
  }
  return { url: `${base.origin}${base.pathname.replace(/\/+$/, '')}${MCP_FUNCTION_PATH}`, key: env.SUPABASE_SERVICE_ROLE_KEY as string };
}

function describe(error: unknown, target: RemoteMcpTarget): RemoteMcpError {
  if (error instanceof RemoteMcpError) return error;
  const where = target.url;
  if (error instanceof StreamableHTTPError) {
    const status = error.code ?? 0;
    if (status === 401 || status === 403) return new RemoteMcpError('unauthorized', `the app's MCP server refused the service role key (HTTP ${status}) at ${where}`);
    if (status === 404) return new RemoteMcpError('not_found', `no MCP server at ${where} (HTTP 404): deploy the mcp-server edge function`);
    return new RemoteMcpError('protocol', `the app's MCP server failed at ${where}: HTTP ${status > 0 ? status : 'error'}`);
  }
  if (error instanceof McpError) {
    if (error.code === -32001) return new RemoteMcpError('timeout', `the app's MCP server did not answer in time (${where})`);
    return new RemoteMcpError('protocol', `the app's MCP server answered with an error: ${error.message}`);
  }
  const e = error as { message?: string; cause?: { code?: string } };
  if (e?.cause?.code || /fetch failed|ECONNREFUSED|ENOTFOUND/.test(e?.message ?? '')) {
    return new RemoteMcpError('unreachable', `cannot reach the app's MCP server at ${where} (${e.cause?.code ?? e.message})`);
  }
  return new RemoteMcpError('protocol', `the app's MCP server failed: ${e?.message ?? String(error)}`);
}

export interface ConnectOptions {
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Connects, runs `fn`, and always closes the session. */
export async function withRemoteMcp<T>(target: RemoteMcpTarget, fn: (client: Client) => Promise<T>, options: ConnectOptions = {}): Promise<T> {
  const client = new Client({ name: 'agentdeck', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(new URL(target.url), {
    // Edge functions take the key as a bearer token; newer secret keys also as `apikey`.
    requestInit: { headers: { authorization: `Bearer ${target.key}`, apikey: target.key } },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  try {
    await client.connect(transport, { timeout: options.timeoutMs ?? 15_000, ...(options.signal ? { signal: options.signal } : {}) });
    return await fn(client);
  } catch (error) {
    throw describe(error, target);
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function listRemoteTools(target: RemoteMcpTarget, options: ConnectOptions = {}): Promise<RemoteTool[]> {
  return withRemoteMcp(
    target,
    async (client) => {
      const tools: RemoteTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: options.timeoutMs ?? 15_000 });
        for (const t of page.tools) {
          tools.push({
            name: t.name,
            description: t.description ?? t.title ?? '',
            inputSchema: t.inputSchema as Record<string, unknown>,
            destructive: t.annotations?.destructiveHint === true,
            readOnly: t.annotations?.readOnlyHint === true,
          });
        }
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    },
    options,
  );
}

export async function callRemoteTool(
  target: RemoteMcpTarget,
  name: string,
  args: Record<string, unknown>,
  options: ConnectOptions = {},
): Promise<RemoteCallResult> {
  return withRemoteMcp(
    target,
    async (client) => {
      let result;
      try {
        result = await client.callTool({ name, arguments: args }, undefined, { timeout: options.timeoutMs ?? 60_000 });
      } catch (error) {
        if (error instanceof McpError && /not found|unknown tool/i.test(error.message)) {
          throw new RemoteMcpError('tool_unknown', `the app's MCP server has no tool "${name}" (see: mcp tools)`);
        }
        throw error;
      }
      const parts = Array.isArray(result.content) ? (result.content as { type: string; text?: string; mimeType?: string }[]) : [];
      const text = parts.map((p) => (p.type === 'text' ? (p.text ?? '') : `[${p.mimeType ?? p.type}]`)).join('\n');
      const structured = result.structuredContent as Record<string, unknown> | undefined;
      return { isError: result.isError === true, text, ...(structured ? { structured } : {}) };
    },
    options,
  );
}

/** The app's MCP tools for an agent: list them, call one. */
export interface RemoteTools {
  list(): Promise<RemoteTool[]>;
  call(name: string, args: Record<string, unknown>): Promise<RemoteCallResult>;
}

export function remoteTools(env: Credentials, options: ConnectOptions = {}): RemoteTools {
  return {
    list: () => listRemoteTools(remoteMcpTarget(env), options),
    call: (name, args) => callRemoteTool(remoteMcpTarget(env), name, args, options),
  };
}
