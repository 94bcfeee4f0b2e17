// The one durable question a run asks the admin. The first pass files it and suspends the run
// (it waits like an approval waits); `answer <run> "..."` stores the answer and resumes the run,
// whose next pass finds the answer here and goes on.
import { engineOf } from '../orchestrator/internals.js';
import { AnswerPending, askQuestion, questionOfStep } from '../orchestrator/questions-repo.js';
import { CommandError, type CommandContext } from '../types.js';

export async function askAdmin(ctx: CommandContext, key: string, text: string): Promise<string> {
  const engine = engineOf(ctx);
  if (!ctx.runId) throw new CommandError('question_needs_run', `${text}: a question needs a run to wait in`);
  const stepKey = `question:${key}`;
  const existing = questionOfStep(engine.state, ctx.runId, stepKey);
  if (existing?.status === 'answered') {
    const answer = typeof existing.answer === 'string' ? existing.answer : JSON.stringify(existing.answer);
    // Recorded as a step so the run's history shows what was asked and answered.
    await ctx.step('UNDERSTAND', `answer to ${existing.id}`, () => Promise.resolve({ question: existing.text, answer, by: existing.answeredBy }), { nothingToUndo: true });
    return answer;
  }
  const q = existing ?? askQuestion(engine.state, { runId: ctx.runId, stepKey, kind: 'question', agent: ctx.agent, text });
  if (!existing) {
    engine.audit({ initiator: ctx.initiator, agent: 'orchestrator', action: `ask ${q.id}`, runId: ctx.runId, result: 'pending', data: { question: text } });
    ctx.as('orchestrator').log('warn', `Question ${q.id} for the admin: ${text} (answer with \`answer ${ctx.runId} "..."\`)`, { question: q.id });
  }
  throw new AnswerPending(q);
}
