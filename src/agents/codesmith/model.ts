// Free-form generation through the model runtime, working inside the ticket's staged worktree.
import { recordModelUse } from '../runtime/usage.js';
import { commitAll } from '../../services/git/git.js';
import { clipRedacted } from '../../services/secrets/redact.js';
import { engineOf } from '../orchestrator/internals.js';
import type { CommandContext, CommandResult } from '../types.js';
import { ensureStaged, onlyInWorktree } from '../stage/worktrees.js';
import { ticketFor } from './generate.js';

export async function runModelGeneration(ctx: CommandContext, request: string, ticket: string | undefined): Promise<CommandResult> {
  const engine = engineOf(ctx);
  const { id: ticketId } = await ticketFor(ctx, ticket, clipRedacted(request, 120, engine.bus.redact));
  const { staged } = await ensureStaged(ctx, ticketId);
  const smith = ctx.as('codesmith');
  const result = await engine.runtime.run(
    {
      agent: 'codesmith',
      cwd: staged.path,
      prompt: `In this repository, implement: ${request}. Follow the project's conventions (router, components folder, test framework), write tests next to the code, keep TypeScript strict.`,
    },
    {
      signal: ctx.signal,
      emit: (e) => engine.bus.emit({ ...e, agent: 'codesmith' }),
      // Edits stay inside the staged worktree; anything else is refused.
      requestPermission: onlyInWorktree(staged.path),
    },
  );
  recordModelUse(engine.state, ctx.runId, result);
  if (result.status !== 'done') {
    return { ok: false, status: result.status === 'needs_model' ? 'needs_model' : 'failed', message: result.text, error: { code: result.status, message: result.text } };
  }
  await commitAll(staged.path, `${ticketId}: ${clipRedacted(request, 60, engine.bus.redact)}`);
  smith.log('success', `Generated "${request}" in ${ticketId}`);
  return { ok: true, status: 'done', message: `generated "${request}" in ${ticketId}: review it with "review ${ticketId}"`, data: { ticketId, text: result.text } };
}
