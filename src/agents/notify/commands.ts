// The integration commands: `email <message>`, `mcp tools`, `mcp call <tool> <json>`.
import { email, mcpCall, mcpTools } from '../../commands/defs/integrations.js';
import { notifierFor } from '../../services/email/index.js';
import { renderOutput } from '../../services/format/output.js';
import { RemoteMcpError, type RemoteTool } from '../../services/mcp/remote-types.js';
import { appTools } from './app-tools.js';
import { engineOf } from '../orchestrator/internals.js';
import type { CommandResult, HandlerTable } from '../types.js';
import { fail, handle, ok } from '../types.js';

function remoteFailure(error: unknown): CommandResult {
  if (error instanceof RemoteMcpError) return fail(error.code, error.message);
  throw error;
}

export const sendEmail = handle(email, async (ctx, args) => {
  const engine = engineOf(ctx);
  const notifier = notifierFor(ctx.root, { state: engine.state, bus: engine.bus });
  // A durable step: on resume the same outbox row is delivered, never a second one.
  const queued = await ctx.step('EXECUTE', 'queue the email', async () => {
    const q = notifier.notify('message', {
      message: args.message,
      ...(args.subject ? { subject: args.subject } : {}),
      ...(ctx.runId ? { runId: ctx.runId } : {}),
      ...(ctx.ticketId ? { ticketId: ctx.ticketId } : {}),
    });
    return { id: q.email.id, created: q.created };
  });
  const [row] = await notifier.deliver({ ids: [queued.id], timeoutMs: 15_000, signal: ctx.signal });
  const to = row?.to.join(', ') ?? '';
  const data = { outboxId: queued.id, status: row?.status, to: row?.to, transport: notifier.transport.name, providerId: row?.providerId ?? null };
  // The notifier itself logs each attempt (sent, written, retried, failed).
  if (row?.status === 'sent') {
    if (notifier.transport.name === 'eml') return ok(`Email written to ${row.providerId ?? '.agentdeck/outbox/'} (set RESEND_API_KEY to send it)`, data);
    return ok(`Email sent to ${to}`, data);
  }
  if (row?.status === 'failed') return { ...fail('email_failed', `Email not sent: ${row.lastError ?? 'unknown reason'}`), data };
  // Still pending after the wait: it stays in the outbox and the next worker retries it.
  const why = row?.lastError ? ` (${row.lastError})` : '';
  return ok(`Email to ${to} is queued and will be retried${why}`, data);
});

const TOOL_COLUMNS = [
  { header: 'tool', value: 'name' as const },
  { header: 'kind', value: (t: RemoteTool) => (t.destructive ? 'destructive' : t.readOnly ? 'read-only' : '-') },
  { header: 'description', value: 'description' as const, max: 80 },
];

export const listTools = handle(mcpTools, async (ctx, args) => {
  try {
    const tools = await appTools(ctx).list();
    const lines = renderOutput(args.output, tools, { rows: tools, columns: TOOL_COLUMNS, empty: "the app's MCP server has no tools" });
    return ok(`${tools.length} tool${tools.length === 1 ? '' : 's'} on the app's MCP server`, { tools }, lines);
  } catch (error) {
    return remoteFailure(error);
  }
});

export const callTool = handle(mcpCall, async (ctx, args) => {
  try {
    const result = await appTools(ctx).call(args.tool, args.json);
    const lines = args.output === 'table' ? result.text.split('\n') : renderOutput(args.output, result, { record: {} });
    if (result.isError) return { ...fail('tool_error', `${args.tool} failed: ${result.text.split('\n')[0] ?? ''}`), data: result, lines };
    return ok(`${args.tool} answered`, result, lines);
  } catch (error) {
    return remoteFailure(error);
  }
});

export const handlers: HandlerTable = Object.fromEntries([sendEmail, listTools, callTool]);
