// `answer` and `complete step`: what a run waiting on a question or a handoff is given. Both are
// open to MCP callers: an answer is information the plan or the step uses, never a permission, and
// everything after it (gates, checks, approvals) still holds, so no guard is weakened.
import { answer, completeStep } from '../../commands/defs/runs.js';
import { fail, handle, type CommandContext, type CommandResult, type HandlerTable } from '../types.js';
import { engineOf } from './internals.js';
import { answerQuestion, pendingOfRun } from './questions-repo.js';
import { getRun, normalizeId } from './runs-repo.js';

async function give(ctx: CommandContext, runArg: string, kind: 'question' | 'handoff', value: unknown): Promise<CommandResult> {
  const engine = engineOf(ctx);
  const runId = normalizeId(runArg);
  const run = getRun(engine.state, runId);
  if (!run) return fail('not_found', `no run ${runArg} (see \`status\` for recent runs)`);
  const q = pendingOfRun(engine.state, runId);
  if (!q || q.kind !== kind) return fail('not_waiting', `${runId} is not waiting for ${kind === 'question' ? 'an answer' : 'a handed-off step'}`);
  if (!answerQuestion(engine.state, q.id, value, ctx.initiator)) return fail('answered', `${q.id} was answered already`);
  engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: `${kind === 'question' ? 'answer' : 'complete'} ${q.id}`, runId, result: 'answered' });
  const result = await engine.resume(runId, { initiator: ctx.initiator, signal: ctx.signal });
  return { ...result, runId };
}

export const handlers: HandlerTable = Object.fromEntries([
  handle(answer, (ctx, args) => give(ctx, args.run, 'question', args.text)),
  handle(completeStep, (ctx, args) => {
    let value: unknown;
    try {
      value = JSON.parse(args.answer);
    } catch {
      return Promise.resolve(fail('usage', 'the answer is not JSON: send the step\'s answer as a JSON object such as {"summary":"..."}'));
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return Promise.resolve(fail('usage', 'the answer must be a JSON object such as {"summary":"..."}'));
    return give(ctx, args.run, 'handoff', value);
  }),
]);
