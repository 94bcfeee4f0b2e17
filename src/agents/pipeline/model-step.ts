// One AI step of a planned run, durable. With a model runtime the specialist's session does it
// (resumed by the id stored for the step when a kill cut it short). With none, and the run driven
// over MCP, the step is handed to the calling session (Claude Code): the run waits with the
// step's instructions, worktree, tools and verify command, and `complete step` brings the answer
// back. Anywhere else it ends `needs_model`. A step that edits commits the worktree with the
// step's trailer, so a step killed after its commit never runs its edit again.
import type { AgentKind } from '../../commands/types.js';
import { commitAll, git } from '../../services/git/git.js';
import { stepCommit, withStepTrailer } from '../../services/git/step-commit.js';
import { getKv, setKv } from '../../services/state/kv.js';
import { engineOf } from '../orchestrator/internals.js';
import { AnswerPending, askQuestion, questionOfStep } from '../orchestrator/questions-repo.js';
import { getRun } from '../orchestrator/runs-repo.js';
import { onlyInWorktree } from '../stage/worktrees.js';
import { recordModelUse } from '../runtime/usage.js';
import { CommandError, type CommandContext, type Phase } from '../types.js';
import { NO_MODEL_LINE } from '../runtime/deterministic.js';

export interface ModelStepSpec {
  readonly phase: Phase;
  /** Unique within the run: `plan`, `root cause`, `edit`, `repair 1`. */
  readonly key: string;
  readonly agent: AgentKind;
  readonly prompt: string;
  readonly cwd: string;
  readonly tools: readonly string[];
  readonly outputSchema?: Record<string, unknown>;
  /** The specialist's session to continue (a repair goes back to the session that edited). */
  readonly resumeSession?: string | null;
  /** The step edits files in `cwd` (a git worktree): its changes are committed with the step's trailer. */
  readonly edits?: boolean;
  /** The command that checks the step's work (shown in a handoff). */
  readonly verifyLine?: string;
}

export interface StepAnswer {
  readonly text: string;
  readonly structured: unknown;
  readonly sessionId: string | null;
  /** What the step cost (USD) as the SDK reported it; null when it reports none or a handoff did it. */
  readonly costUsd: number | null;
  readonly via: 'model' | 'handoff';
  /** The commit holding the step's edits, when it edited. */
  readonly commit?: string | null;
}

const sessionKey = (stepId: string): string => `pipeline:session:${stepId}`;

/** Whether AI steps of this run go to the calling MCP session: no model here, and the run came over MCP. */
export function handsOff(ctx: CommandContext): boolean {
  const engine = engineOf(ctx);
  if (engine.runtime.hasModel) return false;
  if (ctx.initiator === 'mcp') return true;
  const run = ctx.runId ? getRun(engine.state, ctx.runId) : null;
  return run?.initiator === 'mcp';
}

/** The instructions a handoff carries: the step's prompt, where to work, with what, how to answer. */
function handoffData(ctx: CommandContext, s: ModelStepSpec): Record<string, unknown> {
  const completeLine = `complete step ${ctx.runId ?? ''} <answer as JSON>`;
  return {
    instructions: [
      `You are agentdeck's ${s.agent} for this step (${s.phase}: ${s.key}).`,
      s.prompt,
      '',
      `Work in: ${s.cwd}`,
      `Tools you may use: ${s.tools.join(', ')}${s.edits ? ' (edit files only inside that directory)' : ' (read only: change nothing)'}`,
      s.verifyLine ? `agentdeck checks the result with: ${s.verifyLine}` : '',
      s.outputSchema ? `Answer with JSON matching: ${JSON.stringify(s.outputSchema)}` : 'Answer with JSON: {"summary": "what you did"}',
      `Then call the complete_step tool with run ${ctx.runId ?? ''} and that JSON as answer.`,
    ]
      .filter((l) => l !== '')
      .join('\n'),
    worktree: s.cwd,
    tools: [...s.tools],
    phase: s.phase,
    answerSchema: s.outputSchema ?? { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
    ...(s.verifyLine ? { verify: s.verifyLine } : {}),
    complete: completeLine,
  };
}

async function commitStep(cwd: string, agent: AgentKind, key: string, stepId: string): Promise<string | null> {
  const sha = await commitAll(cwd, withStepTrailer(`${agent}: ${key}`, stepId));
  return sha ?? (await git(cwd, ['rev-parse', 'HEAD']));
}

export async function runModelStep(ctx: CommandContext, s: ModelStepSpec): Promise<StepAnswer> {
  const engine = engineOf(ctx);
  const runId = ctx.runId;
  if (!runId) throw new CommandError('step_needs_run', `${s.key} needs a run`);
  if (!engine.runtime.hasModel) {
    if (!handsOff(ctx)) throw new CommandError('needs_model', `${s.agent}: ${NO_MODEL_LINE}`);
    const q = questionOfStep(engine.state, runId, `step:${s.key}`);
    if (q?.status === 'answered') {
      return ctx.step(s.phase, s.key, async (info) => {
        const answer = q.answer as { summary?: unknown } | null;
        const commit = s.edits ? ((await stepCommit(s.cwd, 'HEAD', info.id)) ?? (await commitStep(s.cwd, s.agent, s.key, info.id))) : null;
        return { text: typeof answer?.summary === 'string' ? answer.summary : JSON.stringify(answer), structured: answer, sessionId: null, costUsd: null, via: 'handoff', commit } satisfies StepAnswer;
      });
    }
    const asked = q ?? askQuestion(engine.state, { runId, stepKey: `step:${s.key}`, kind: 'handoff', agent: s.agent, text: `${s.phase}: ${s.key}`, data: handoffData(ctx, s) });
    if (!q) {
      engine.audit({ initiator: ctx.initiator, agent: s.agent, action: `hand off ${s.key}`, runId, result: `pending as ${asked.id}` });
      ctx.as(s.agent).log('info', `Handed "${s.key}" to the calling session (${asked.id}); the run continues when it calls complete_step`, { question: asked.id });
    }
    throw new AnswerPending(asked);
  }

  return ctx.step(s.phase, s.key, async (info) => {
    if (s.edits) {
      // Killed after the edit was committed but before the step was recorded: the edit is there.
      const done = await stepCommit(s.cwd, 'HEAD', info.id);
      if (done) {
        ctx.as(s.agent).log('info', `${s.key}: already in the worktree (${done.slice(0, 12)}); not repeated`);
        return { text: 'already applied', structured: null, sessionId: getKv<string | null>(engine.state, sessionKey(info.id), null), costUsd: null, via: 'model', commit: done } satisfies StepAnswer;
      }
    }
    const stored = getKv<string | null>(engine.state, sessionKey(info.id), null);
    const result = await engine.runtime.run(
      {
        agent: s.agent,
        prompt: s.prompt,
        cwd: s.cwd,
        allowedTools: s.tools,
        ...(s.outputSchema ? { outputSchema: s.outputSchema } : {}),
        ...((stored ?? s.resumeSession) ? { resumeSession: (stored ?? s.resumeSession) as string } : {}),
      },
      {
        signal: ctx.signal,
        emit: (e) => engine.bus.emit({ ...e, agent: s.agent, runId, ticketId: ctx.ticketId ?? undefined }),
        requestPermission: onlyInWorktree(s.cwd, Boolean(s.edits)),
        onSession: (id) => setKv(engine.state, sessionKey(info.id), id),
      },
    );
    recordModelUse(engine.state, runId, result);
    if (result.status === 'needs_model') throw new CommandError('needs_model', `${s.agent}: ${result.text}`);
    if (result.status === 'failed') throw new CommandError('model_failed', `${s.agent} could not finish ${s.key}: ${result.text}`);
    const commit = s.edits ? await commitStep(s.cwd, s.agent, s.key, info.id) : null;
    return { text: result.text, structured: result.structured ?? null, sessionId: result.sessionId ?? null, costUsd: result.costUsd, via: 'model', commit } satisfies StepAnswer;
  });
}
