// `agentdeck mcp`: every registry command as an MCP tool over stdio. Calls go through the
// orchestrator's dispatch (initiator 'mcp'), so approvals, runs, audit and redaction are the
// same as in the console; a command that needs an approval answers with the pending approval's
// id instead of running, and only a human approves it (approve/reject are not tools).
import type { Readable, Writable } from 'node:stream';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, GetPromptRequestSchema, ListPromptsRequestSchema, ListToolsRequestSchema, McpError, ErrorCode, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { getPrompt, listPrompts } from './prompts.js';
import type { Command } from '../../commands/define.js';
import type { ParsedCommand } from '../../commands/types.js';
import type { CommandResult } from '../../agents/types.js';
import { redactDeep } from '../secrets/redact.js';
import { buildCommand, HUMAN_ONLY, toolDefinition, toolName } from './tools.js';

export const SERVER_NAME = 'agentdeck';

export interface McpDeps {
  dispatch(command: ParsedCommand, options: { initiator: string; signal?: AbortSignal }): Promise<CommandResult>;
  /** The bus's redactor: nothing secret leaves through a tool result. */
  readonly redact: (text: string) => string;
  readonly commands: readonly Command[];
  readonly version?: string;
}

/** The tool result for a command's result: its line(s) as text, the rest as structured content. */
export function toolResult(result: CommandResult, redact: (s: string) => string): CallToolResult {
  const lines = [result.message, ...(result.lines ?? [])];
  if (result.status === 'waiting_approval' && result.approvalId) {
    lines.push(`Approval ${result.approvalId} is pending: a person approves it in the agentdeck console (\`${result.approveLine ?? `approve ${result.approvalId}`}\`); no tool can decide it. Call the tool again afterwards.`);
  }
  const structured = redactDeep(
    {
      ok: result.ok,
      status: result.status,
      message: result.message,
      ...(result.runId ? { runId: result.runId } : {}),
      ...(result.approvalId ? { approvalId: result.approvalId } : {}),
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.error ? { error: result.error } : {}),
    },
    redact,
  );
  return {
    content: [{ type: 'text', text: redact(lines.join('\n')) }],
    structuredContent: structured as Record<string, unknown>,
    isError: !result.ok && result.status !== 'waiting_approval',
  };
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

export function createMcpServer(deps: McpDeps): Server {
  const tools = deps.commands.filter((c) => !HUMAN_ONLY.has(c.id));
  const byName = new Map(tools.map((c) => [toolName(c), c]));
  const definitions = tools.map(toolDefinition);
  const server = new Server(
    { name: SERVER_NAME, version: deps.version ?? '0.1.0' },
    {
      capabilities: { tools: {}, prompts: {} },
      instructions:
        'agentdeck runs the project\'s agents (tickets, fixes, migrations, staging, deployments, backups). ' +
        'Tools that need an approval return a pending approval id; a person approves it in the agentdeck console.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: definitions }));
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: listPrompts() }));
  server.setRequestHandler(GetPromptRequestSchema, (request) => {
    const prompt = getPrompt(request.params.name, request.params.arguments ?? {});
    if (!prompt) throw new McpError(ErrorCode.InvalidParams, `no prompt "${request.params.name}" (prompts: ${listPrompts().map((p) => p.name).join(', ')})`);
    return prompt;
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const name = request.params.name;
    const command = byName.get(name);
    if (!command) {
      const human = [...HUMAN_ONLY].some((id) => toolName({ id }) === name);
      return errorResult(
        human
          ? `${name} is not a tool: approvals are given by a person in the agentdeck console or with \`agentdeck run "${name} <id>"\``
          : `unknown tool "${name}" (list the tools to see the ${definitions.length} commands)`,
      );
    }
    const built = buildCommand(command, request.params.arguments);
    if (!built.ok) return errorResult(deps.redact(built.error));
    try {
      const result = await deps.dispatch(built.command, { initiator: 'mcp', signal: extra.signal });
      return toolResult(result, deps.redact);
    } catch (error) {
      // dispatch does not throw; this is the last line of defence for the protocol.
      return errorResult(deps.redact(`${name} failed: ${(error as Error).message}`));
    }
  });
  return server;
}

export interface RunMcpOptions {
  /** Builds the dispatching side (engine, bus, state); closed when the client goes away. */
  readonly boot: () => Promise<McpDeps & { close(): void | Promise<void> }>;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
}

/**
 * Serves over stdio until the client disconnects; resolves with the exit code. Stdout carries
 * the protocol only: console output is sent to stderr while the server runs.
 */
export async function runMcpServer(options: RunMcpOptions): Promise<number> {
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn };
  for (const method of ['log', 'info', 'debug', 'warn'] as const) {
    console[method] = (...args: unknown[]) => console.error(...args);
  }
  try {
    const deps = await options.boot();
    const server = createMcpServer(deps);
    const transport = new StdioServerTransport(options.stdin, options.stdout);
    const closed = new Promise<void>((resolve) => {
      server.onclose = () => resolve();
      (options.stdin ?? process.stdin).once('end', () => resolve());
    });
    await server.connect(transport);
    await closed;
    await server.close().catch(() => undefined);
    await deps.close();
    return 0;
  } finally {
    Object.assign(console, saved);
  }
}
