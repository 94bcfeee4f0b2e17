// What stops a run besides a thrown CommandError, and how any thrown value becomes a
// CommandResult (dispatch never throws).
import type { CommandResult, ResultStatus } from '../types.js';
import { ApprovalPending, ApprovalRejected, CommandError } from '../types.js';
import { GateFailed } from './gates.js';
import { approveLine } from '../../commands/defs/runs.js';
import { AnswerPending, type QuestionRow } from './questions-repo.js';

/** A run stopped at a safe point: cancelled (`cancel`, `emergency stop all`) or interrupted (`agents restart all`). */
export class RunStopped extends Error {
  constructor(readonly how: 'cancelled' | 'interrupted', reason: string) {
    super(reason);
    this.name = 'RunStopped';
  }
}

/** A step failed for good (after its retries); carries the step and the cause. */
export class StepFailed extends Error {
  constructor(
    readonly key: string,
    readonly stepName: string,
    override readonly cause: unknown,
  ) {
    super(messageOf(cause));
    this.name = 'StepFailed';
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return firstLine(error.message) || error.name;
  return firstLine(String(error));
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]?.trim() ?? '';
}

/** The innermost meaningful error (a StepFailed unwraps to its cause). */
export function rootCause(error: unknown): unknown {
  return error instanceof StepFailed ? error.cause : error;
}

function result(status: ResultStatus, code: string, message: string, extra: Partial<CommandResult> = {}): CommandResult {
  return { ok: false, status, message, error: { message, code }, ...extra };
}

/** Converts anything thrown by a handler or the engine into a result. */
export function toResult(error: unknown, runId?: string): CommandResult {
  const cause = rootCause(error);
  const base = runId ? { runId } : {};
  if (cause instanceof ApprovalPending) {
    const where = cause.otherRun ? ` (the same action, asked for by ${cause.otherRun || 'another request'})` : '';
    return {
      ok: false,
      status: 'waiting_approval',
      message: `Waiting for approval ${cause.approvalId}${where}: ${cause.summary}`,
      approvalId: cause.approvalId,
      approveLine: approveLine(cause.approvalId, cause.confirmText),
      ...(cause.lines.length ? { lines: cause.lines } : {}),
      ...base,
    };
  }
  if (cause instanceof AnswerPending) return waitingForAnswer(cause.question, base);
  if (cause instanceof ApprovalRejected) return result('cancelled', 'rejected', cause.message, { approvalId: cause.approvalId, ...base });
  if (cause instanceof RunStopped) return result('cancelled', cause.how, cause.message, base);
  if (cause instanceof GateFailed) return result('failed', 'gate', cause.message, base);
  if (cause instanceof CommandError) {
    const status: ResultStatus = cause.code === 'needs_model' ? 'needs_model' : 'failed';
    return result(status, cause.code, messageOf(cause), base);
  }
  return result('failed', 'internal', `internal error: ${messageOf(cause)}`, base);
}

/**
 * A run waiting on a question or a handoff. It waits the way an approval waits (the run is
 * `waiting_approval`, resumable), and the result says exactly what answers it.
 */
function waitingForAnswer(q: QuestionRow, base: { runId?: string }): CommandResult {
  if (q.kind === 'question') {
    const message = `${q.runId} asks (${q.id}): ${q.text}`;
    return { ok: false, status: 'waiting_approval', message, error: { message, code: 'question' }, data: { question: { id: q.id, runId: q.runId, text: q.text, answerLine: `answer ${q.runId} "<your answer>"` } }, lines: [`  answer it: answer ${q.runId} "<your answer>"`], ...base };
  }
  const message = `${q.runId}: the ${q.agent} step "${q.stepKey}" is handed to you (${q.id}); do it, then call complete_step with run ${q.runId} and the answer`;
  const instructions = typeof q.data.instructions === 'string' ? q.data.instructions.split('\n') : [];
  return { ok: false, status: 'waiting_approval', message, error: { message, code: 'handoff' }, data: { handoff: { id: q.id, runId: q.runId, step: q.stepKey, agent: q.agent, ...q.data } }, lines: instructions, ...base };
}
