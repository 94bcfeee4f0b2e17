// Runs and approvals: the orchestrator's controls over work in flight.
import * as z from 'zod';
import { arg, defineCommand, flag } from '../define.js';
import { ENVIRONMENTS, type Environment } from './deploy.js';
import { outputFlag, plainId, restText } from './shared.js';

const APPROVE_TARGET = 'optional words "deploy to staging" or "deploy to production"';

/** A deployment of the ticket, wherever its pending approval deploys (staging when none is pending). */
export const ANY_DEPLOYMENT = 'deployment';

/**
 * `deploy to production` (or `deploy production`, `to production`, `production`) -> 'production';
 * `deployment` (from "approve deployment for <ticket>") -> 'deployment'.
 */
export const approveTarget = z
  .array(z.string())
  .optional()
  .transform((words, ctx): Environment | typeof ANY_DEPLOYMENT | undefined => {
    if (!words || words.length === 0) return undefined;
    const w = words.map((x) => x.toLowerCase());
    if (w[0] === ANY_DEPLOYMENT) {
      w.shift();
      if (w.length === 0) return ANY_DEPLOYMENT;
    }
    if (w[0] === 'deploy') w.shift();
    if (w[0] === 'to') w.shift();
    const env = ENVIRONMENTS.find((e) => e === w[0]);
    if (w.length === 1 && env) return env;
    ctx.addIssue({ code: 'custom', input: words, message: `"${words.join(' ').slice(0, 60)}" is not understood: expected ${APPROVE_TARGET}` });
    return z.NEVER;
  });

/** The exact line that approves `id`, with the typed confirmation when it asks for one. */
export function approveLine(id: string, confirmText?: string | null): string {
  if (!confirmText) return `approve ${id}`;
  const plain = /^[^\s"'\\-][^\s"'\\]*$/.test(confirmText);
  const word = plain ? confirmText : confirmText.includes("'") ? `"${confirmText.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : `'${confirmText}'`;
  return `approve ${id} --confirm ${word}`;
}

/**
 * The one hint for a pending approval, wherever it is shown (the console's log line, the reminder,
 * the email): the exact line that approves it, and the one that rejects it.
 */
export function approvalHint(id: string, confirmText?: string | null): string {
  return `\`${approveLine(id, confirmText)}\` or \`reject ${id}\``;
}

export const approve = defineCommand({
  id: 'approve',
  args: [
    arg('id', 'word', plainId, { description: 'The approval id, or the ticket whose pending approval to grant', accepts: 'an approval or ticket id such as BUG-2026-001 (or its reference, AI-EST-142)', ticket: true }),
    arg('target', 'rest', approveTarget, { description: 'Then deploy the ticket there', accepts: APPROVE_TARGET, usage: 'deploy to staging|production' }),
  ],
  flags: [
    flag('confirm', 'string', z.string().max(128).optional(), {
      description: 'The typed confirmation (the ticket id) for approvals that ask for one',
      accepts: 'the ticket or target id',
      placeholder: '<id>',
    }),
  ],
  // The user's plan also says "approve deployment for <id> [to staging|production]".
  normalize: (words) =>
    words[0]?.toLowerCase() === ANY_DEPLOYMENT && words[1]?.toLowerCase() === 'for' && words.length >= 3
      ? [words[2]!, ANY_DEPLOYMENT, ...words.slice(3)]
      : words,
  summary: 'Approve a pending action',
  help: 'Grants the pending approval (bound to one exact action and the content it works on); with "deploy to staging|production" the ticket is then deployed there. "approve deployment for <ticket>" grants the ticket\'s pending deploy, or deploys it to staging when none is pending. A changed action needs a new approval. Only a person decides: in the console, or with `agentdeck run` typed at an interactive terminal (never over MCP or from a script).',
  examples: ['approve BUG-2026-001 deploy to staging', 'approve apr-7f3a2c', 'approve deployment for AI-EST-142'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
  control: true,
});

export const reject = defineCommand({
  id: 'reject',
  args: [
    arg('id', 'word', plainId, { description: 'The approval id, or the ticket whose pending approval to refuse', accepts: 'an approval or ticket id such as BUG-2026-001 (or its reference, AI-EST-142)', ticket: true }),
    arg('reason', 'rest', restText(500).optional(), { description: 'Why; recorded with the rejection', accepts: 'free text' }),
  ],
  flags: [],
  summary: 'Reject a pending action',
  help: 'Refuses the pending approval; the waiting run ends cancelled and the reason is recorded in the audit trail.',
  examples: ['reject BUG-2026-001 "tests do not cover the new route"'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
  control: true,
});

const runArg = arg('run', 'word', plainId, { description: 'The run id (see "status")', accepts: 'a run id as shown by "status"' });

export const resume = defineCommand({
  id: 'resume',
  args: [runArg],
  flags: [],
  summary: 'Resume an interrupted run',
  help: 'Continues a run that was interrupted (the process stopped) or waiting; completed steps are not repeated.',
  examples: ['resume run-0042'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
  control: true,
});

export const cancel = defineCommand({
  id: 'cancel',
  args: [runArg],
  flags: [],
  summary: 'Cancel a run',
  help: 'Cancels the run at its next safe point and rolls back completed steps that registered a compensation.',
  examples: ['cancel run-0042'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
  control: true,
});

export const answer = defineCommand({
  id: 'answer',
  args: [runArg, arg('text', 'rest', restText(2000), { description: 'The answer to the question the run asks', accepts: 'free text of up to 2000 characters' })],
  flags: [],
  summary: 'Answer the question a run asks',
  help: 'Stores the answer to the one question a planned run asked (its plan was below the confidence gate) and resumes the run. An answer is information for the plan, not a permission: every gate, check and approval after it still applies.',
  examples: ['answer RUN-0042 "persist it in public.estimates"'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
  control: true,
});

export const completeStep = defineCommand({
  id: 'complete step',
  args: [runArg, arg('answer', 'rest', restText(20000), { description: "The handed-off step's answer as JSON", accepts: 'a JSON object matching the step\'s answer schema' })],
  flags: [],
  summary: 'Complete a step handed to the calling session',
  help: 'Over MCP with no model runtime in agentdeck, an AI step is handed to the calling session (its instructions, worktree, tools and verify command); this brings its answer back and the run continues through its gates and checks.',
  examples: ['complete step RUN-0042 {"summary":"saved the estimate"}'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
  control: true,
});

export const costs = defineCommand({
  id: 'costs',
  args: [],
  flags: [
    flag('days', 'number', z.number().int().min(1).max(366).default(7), { description: 'How many days back, today included', accepts: 'a whole number of days from 1 to 366', placeholder: '<n>' }),
    outputFlag,
  ],
  summary: 'What the model runs cost',
  help: 'Adds up the cost the model reported for each run over the last days: in total, per day, per agent and per ticket. Runs that used a model whose account reports no cost (a Claude subscription) are counted as n/a, never as free.',
  examples: ['costs', 'costs --days 30 --output json'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});
