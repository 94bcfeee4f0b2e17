// A scripted model at the runtime boundary for the planned run: it answers the plan, the root
// cause and each edit as the script says, keeps one session per specialist (a repair resumes the
// session that edited), and records every request so a test can check what reached the model
// (the exact diagnostics of a failed check, the session resumed).
import { PLAN_JSON_SCHEMA, ROOT_CAUSE_JSON_SCHEMA } from '../../src/agents/pipeline/plan.js';
import type { AgentRuntime, ModelRequest, ModelResult } from '../../src/agents/runtime/types.js';

export interface ModelScript {
  /** The plan (summary, confidence, specialists...); a list plays one per plan step (a revised plan after a question). */
  readonly plans: readonly Record<string, unknown>[];
  readonly rootCause: Record<string, unknown>;
  /** One function per edit step (the edit, then each repair), in order: it changes files in `cwd` and says what it did. */
  readonly edits: readonly ((cwd: string, prompt: string) => string)[];
  /** Structured answers of other schema'd requests (the one-shot `analyze`). */
  readonly other?: Record<string, unknown>;
}

export interface ScriptedModel extends AgentRuntime {
  readonly requests: (ModelRequest & { sessionId: string })[];
}

export function scriptedModel(script: ModelScript): ScriptedModel {
  const requests: (ModelRequest & { sessionId: string })[] = [];
  let plans = 0;
  let edits = 0;
  let sessions = 0;
  return {
    name: 'claude',
    hasModel: true,
    requests,
    run(request): Promise<ModelResult> {
      const sessionId = request.resumeSession ?? `session-${request.agent}-${++sessions}`;
      requests.push({ ...request, sessionId });
      const done = (text: string, structured?: unknown): Promise<ModelResult> => Promise.resolve({ status: 'done', text, structured, sessionId, costUsd: 0.01 });
      if (request.outputSchema === PLAN_JSON_SCHEMA) {
        const plan = script.plans[Math.min(plans++, script.plans.length - 1)];
        return done('planned', plan);
      }
      if (request.outputSchema === ROOT_CAUSE_JSON_SCHEMA) return done(String(script.rootCause.rootCause), script.rootCause);
      const edit = script.edits[edits++];
      if (edit) return done('edited', { summary: edit(request.cwd, request.prompt) });
      if (request.outputSchema) return done('answered', script.other ?? {});
      return Promise.resolve({ status: 'failed', text: 'the script has no more edits', sessionId, costUsd: null });
    },
  };
}
