// Rows of the questions table: what a run waits for besides an approval. A `question` asks the
// admin one thing the plan is unsure of; a `handoff` gives a model step to the session that called
// over MCP (Claude Code), which does it and sends the step's answer back. Either way the run is
// suspended like an approval suspends it, and resumes when the answer is stored.
import type { StateDb } from '../../services/state/db.js';
import { parseJson } from '../../services/state/db.js';
import { nextSeq } from './runs-repo.js';

export type QuestionKind = 'question' | 'handoff';

export interface QuestionRow {
  readonly id: string;
  readonly runId: string;
  readonly stepKey: string;
  readonly kind: QuestionKind;
  readonly agent: string;
  readonly text: string;
  readonly data: Record<string, unknown>;
  readonly status: 'pending' | 'answered';
  readonly answer: unknown;
  readonly askedAt: string;
  readonly answeredAt: string | null;
  readonly answeredBy: string | null;
}

type Raw = Record<string, string | null>;

function toQuestion(r: Raw): QuestionRow {
  return {
    id: r.id as string,
    runId: r.run_id as string,
    stepKey: r.step_key as string,
    kind: r.kind as QuestionKind,
    agent: r.agent as string,
    text: r.text as string,
    data: parseJson(r.data_json, {}),
    status: r.status as 'pending' | 'answered',
    answer: parseJson(r.answer_json, null),
    askedAt: r.asked_at as string,
    answeredAt: r.answered_at ?? null,
    answeredBy: r.answered_by ?? null,
  };
}

export function questionOfStep(state: StateDb, runId: string, stepKey: string): QuestionRow | null {
  const r = state.db.prepare('SELECT * FROM questions WHERE run_id = ? AND step_key = ?').get(runId, stepKey) as Raw | undefined;
  return r ? toQuestion(r) : null;
}

/** The run's question or handoff waiting for an answer (a run waits for one at a time). */
export function pendingOfRun(state: StateDb, runId: string): QuestionRow | null {
  const r = state.db.prepare("SELECT * FROM questions WHERE run_id = ? AND status = 'pending' ORDER BY asked_at DESC LIMIT 1").get(runId) as Raw | undefined;
  return r ? toQuestion(r) : null;
}

export interface NewQuestion {
  readonly runId: string;
  readonly stepKey: string;
  readonly kind: QuestionKind;
  readonly agent: string;
  readonly text: string;
  readonly data?: Record<string, unknown>;
}

/** Files the question once per run and step: asking again returns the row already there. */
export function askQuestion(state: StateDb, q: NewQuestion): QuestionRow {
  return state.tx(() => {
    const existing = questionOfStep(state, q.runId, q.stepKey);
    if (existing) return existing;
    const id = `Q-${String(nextSeq(state, 'questions')).padStart(4, '0')}`;
    state.db
      .prepare("INSERT INTO questions (id, run_id, step_key, kind, agent, text, data_json, status, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)")
      .run(id, q.runId, q.stepKey, q.kind, q.agent, q.text, JSON.stringify(q.data ?? {}), new Date().toISOString());
    return questionOfStep(state, q.runId, q.stepKey) as QuestionRow;
  });
}

/** Stores the answer; false when the question was answered already (the first answer stands). */
export function answerQuestion(state: StateDb, id: string, answer: unknown, by: string): boolean {
  const r = state.db
    .prepare("UPDATE questions SET status = 'answered', answer_json = ?, answered_at = ?, answered_by = ? WHERE id = ? AND status = 'pending'")
    .run(JSON.stringify(answer), new Date().toISOString(), by, id);
  return Number(r.changes) === 1;
}

/** A run suspended on a question or a handoff (thrown between steps, like ApprovalPending). */
export class AnswerPending extends Error {
  constructor(readonly question: QuestionRow) {
    super(question.kind === 'question' ? `waiting for an answer to ${question.id}: ${question.text}` : `step handed off as ${question.id}`);
    this.name = 'AnswerPending';
  }
}
