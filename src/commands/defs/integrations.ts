// Integrations: email notifications and the app's own MCP server.
import * as z from 'zod';
import { arg, defineCommand, flag } from '../define.js';
import { outputFlag, restText } from './shared.js';

export const email = defineCommand({
  id: 'email',
  args: [arg('message', 'rest', restText(10_000), { description: 'The message: quoted, or the rest of the line', accepts: 'a message', usage: '<message>' })],
  flags: [
    flag('subject', 'string', z.string().trim().min(1).max(200).optional(), {
      description: 'The subject line (default: the first words of the message)',
      accepts: 'a short text (quote it)',
      placeholder: '<text>',
    }),
  ],
  summary: 'Send a notification',
  help: 'Sends the message to the configured recipients through the durable outbox (Resend, or .eml files in .agentdeck/outbox/ without RESEND_API_KEY).',
  examples: ['email "Staging is ready for review"', 'email deploy finished --subject "BUG-2026-001 deployed"'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
});

export const mcpTools = defineCommand({
  id: 'mcp tools',
  args: [],
  flags: [outputFlag],
  summary: "List the app's MCP tools",
  help: "Lists the tools of the app's MCP server (${SUPABASE_URL}/functions/v1/mcp-server) with their descriptions.",
  examples: ['mcp tools', 'mcp tools --output json'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});

/** JSON object arguments; the words are joined back, so unquoted JSON with spaces still works. */
export const jsonObject = z
  .array(z.string())
  .optional()
  .transform((words, ctx): Record<string, unknown> => {
    if (!words || words.length === 0) return {};
    const text = words.join(' ');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', input: text, message: 'the arguments are not valid JSON: expected an object such as \'{"customer_id": 42}\' (wrap it in single quotes)' });
      return z.NEVER;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', input: text, message: 'the arguments must be a JSON object such as \'{"customer_id": 42}\'' });
      return z.NEVER;
    }
    return value as Record<string, unknown>;
  });

export const mcpCall = defineCommand({
  id: 'mcp call',
  args: [
    arg('tool', 'word', z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/), { description: 'The tool name', accepts: 'a tool name as listed by "mcp tools"' }),
    arg('json', 'rest', jsonObject, { description: 'The tool\'s arguments as a JSON object (default {})', accepts: 'a JSON object', usage: "'<json>'" }),
  ],
  flags: [outputFlag],
  summary: "Call one of the app's MCP tools",
  help: "Calls the tool on the app's MCP server with the JSON arguments and prints its result.",
  examples: ['mcp call create_estimate_record \'{"customer_id": 42, "amount": 1200}\'', 'mcp call list_customers'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
});
