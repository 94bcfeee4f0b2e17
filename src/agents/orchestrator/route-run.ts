// The run of a free-text request: UNDERSTAND (route it, with the router's confidence), PLAN (the
// command it maps to), then the command's own handler within the same run. Below the
// understanding gate it asks for clarification instead of guessing.
import { parse } from '../../commands/parse.js';
import { COMMANDS } from '../../commands/registry.js';
import { AGENT_NAMES } from '../../commands/types.js';
import { handlerOf, notAvailableMessage } from '../handlers.js';
import { askModel } from '../runtime/ask.js';
import type { CommandResult } from '../types.js';
import { fail } from '../types.js';
import type { Execution } from './execution.js';
import { MIN_CONFIDENCE } from './gates.js';
import type { EngineInternals } from './internals.js';
import { clarification, confident, route, type Route } from './router.js';
import type { CommandSpec } from '../../commands/types.js';
import { getTicket, TICKET_ID } from '../../services/state/tickets.js';
import { fileTicket } from './file-ticket.js';
import { resolveTicketArgs, ticketKeys } from './ticket-refs.js';

const PLAN_SCHEMA = {
  type: 'object',
  properties: {
    line: { type: 'string', description: 'exactly one agentdeck command line that does what is asked' },
    confidence: { type: 'number', description: 'how sure you are, 0 to 100' },
  },
  required: ['line', 'confidence'],
} as const;

interface Understanding {
  readonly confidence: number;
  readonly line: string | null;
  readonly by: 'router' | 'model';
  readonly candidates: Route['candidates'];
  readonly message?: string;
}

export async function routeText(exec: Execution, text: string, engine: EngineInternals): Promise<CommandResult> {
  const ctx = exec.ctx;
  if (text.trim() === '') return fail('usage', 'empty request: type a command or describe what you need');
  const understanding = await ctx.step('UNDERSTAND', 'Understand the request', async (): Promise<Understanding> => {
    const r = route(text, COMMANDS, parse);
    if (confident(r) || !engine.runtime.hasModel) return { confidence: r.confidence, line: r.best?.line ?? null, by: 'router', candidates: r.candidates, message: confident(r) ? undefined : clarification(r) };
    // The model may propose a plan; it passes the same gate and must parse.
    const answer = await askModel(ctx, {
      prompt: `Map this request to one agentdeck command line.\nCommands:\n${COMMANDS.map((c) => `- ${c.id}: ${c.summary}`).join('\n')}\nRequest: ${text}`,
      outputSchema: PLAN_SCHEMA,
    });
    const plan = answer.structured as { line?: unknown; confidence?: unknown } | undefined;
    const line = typeof plan?.line === 'string' ? plan.line : null;
    const parsed = line ? parse(line) : null;
    const confidence = typeof plan?.confidence === 'number' && parsed?.ok && parsed.kind === 'command' ? Math.min(plan.confidence, 100) : 0;
    return { confidence, line, by: 'model', candidates: r.candidates, message: confidence >= MIN_CONFIDENCE ? undefined : clarification({ ...r, confidence }) };
  });
  ctx.log('info', `Understanding: ${understanding.confidence}% confidence (${understanding.by})`);
  if (understanding.confidence < MIN_CONFIDENCE || !understanding.line) {
    const message = understanding.message ?? `Not sure what to do (confidence ${understanding.confidence}%, needs ${MIN_CONFIDENCE}%)`;
    return { ...fail('needs_clarification', message), data: { candidates: understanding.candidates } };
  }
  const line = understanding.line;
  const parsed = parse(line);
  if (!parsed.ok || parsed.kind !== 'command') return fail('needs_clarification', `could not turn the request into a command ("${line}")`);
  const { spec } = parsed.command;
  await ctx.step('PLAN', 'Plan the work', () => Promise.resolve({ line, commandId: spec.id, agents: [spec.agent] }));
  const handler = await handlerOf(spec);
  if (!handler) return fail('not_available', notAvailableMessage(spec), 'not_available');
  const args = receiveOutsideTickets(exec, spec, parsed.command.args as Record<string, unknown>, text, engine);
  ctx.log('info', `Routing to ${AGENT_NAMES[spec.agent]}: ${line}`);
  exec.route(spec, args);
  return handler(ctx.as(spec.agent), args);
}

/**
 * The request names a ticket by an id that is not ours and not filed yet ("Here's the ticket:
 * AI-EST-142"): it is the admin's own tracker's, so a ticket is filed under that reference, with
 * the request as its description. Then every ticket the command names is resolved to our id.
 */
function receiveOutsideTickets(exec: Execution, spec: CommandSpec, args: Record<string, unknown>, text: string, engine: EngineInternals): Record<string, unknown> {
  // Approve and reject also take approval ids (APR-0001): they never file a ticket.
  const keys = spec.control ? [] : ticketKeys(spec);
  for (const key of keys) {
    const value = args[key];
    if (typeof value !== 'string' || TICKET_ID.test(value) || getTicket(engine.state, value)) continue;
    fileTicket(exec.ctx, { description: text, ref: value });
  }
  return resolveTicketArgs(engine.state, spec, args);
}
