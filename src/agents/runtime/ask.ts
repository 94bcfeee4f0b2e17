// How a handler asks its run's model runtime for something. Without a model it throws a
// CommandError with code `needs_model`, which ends the command `needs_model` with one line.
import { CommandError } from '../types.js';
import type { CommandContext } from '../types.js';
import { engineOf } from '../orchestrator/internals.js';
import { requestToolApproval } from '../orchestrator/tool-approval.js';
import { getRun } from '../orchestrator/runs-repo.js';
import { recordModelUse } from './usage.js';
import type { ModelRequest, ModelResult } from './types.js';
import { DEFAULT_ALLOWED_TOOLS } from './types.js';

export type AskRequest = Omit<ModelRequest, 'agent' | 'cwd'> & { readonly cwd?: string };

export async function askModel(ctx: CommandContext, request: AskRequest): Promise<ModelResult> {
  const engine = engineOf(ctx);
  const runtime = engine.runtime;
  const run = ctx.runId ? getRun(engine.state, ctx.runId) : null;
  const result = await runtime.run(
    {
      ...request,
      agent: ctx.agent,
      cwd: request.cwd ?? ctx.root,
      allowedTools: request.allowedTools ?? DEFAULT_ALLOWED_TOOLS[ctx.agent],
      resumeSession: request.resumeSession ?? run?.sessionId ?? undefined,
    },
    {
      signal: ctx.signal,
      emit: (e) => engine.bus.emit({ ...e, agent: ctx.agent, runId: ctx.runId ?? undefined, ticketId: ctx.ticketId ?? undefined }),
      requestPermission: (p) => requestToolApproval(ctx, p),
    },
  );
  recordModelUse(engine.state, ctx.runId, result);
  if (result.status === 'needs_model') throw new CommandError('needs_model', `${ctx.agent}: ${result.text}`);
  if (result.status === 'failed') throw new CommandError('model_failed', `the model could not finish: ${result.text}`);
  return result;
}
