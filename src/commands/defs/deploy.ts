// The StageAgent's deployments, rollbacks and reviews of staged work.
import { arg, choice, defineCommand } from '../define.js';
import { dryRunFlag, outputFlag, ticketArg, ticketFlag } from './shared.js';

export const ENVIRONMENTS = ['staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const TICKET_SHAPED = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$/;

/** `[<ticket>] [to] [staging|production]` in any order -> the env word, and the ticket as --ticket. */
function deployWords(words: readonly string[]): { words: string[]; flags: Record<string, string> } {
  const out: string[] = [];
  const flags: Record<string, string> = {};
  words.forEach((word, i) => {
    const lower = word.toLowerCase();
    const next = words[i + 1]?.toLowerCase();
    if (lower === 'to' && next !== undefined && (ENVIRONMENTS as readonly string[]).includes(next)) return;
    if (!(ENVIRONMENTS as readonly string[]).includes(lower) && TICKET_SHAPED.test(word) && flags.ticket === undefined) flags.ticket = word;
    else out.push(word);
  });
  return { words: out, flags };
}

export const deploy = defineCommand({
  id: 'deploy',
  args: [
    arg('env', 'word', choice(ENVIRONMENTS).default('staging'), {
      description: 'Where to deploy (default staging)',
      accepts: 'staging or production',
      choices: ENVIRONMENTS,
    }),
  ],
  flags: [ticketFlag, dryRunFlag],
  // The user's plan says `deploy to staging` and `deploy <ticket> to staging`.
  normalize: deployWords,
  summary: 'Deploy changes',
  help: 'Runs the tests, then the deploy commands configured for the environment (agentdeck.config.json "deploy"), and records a deployment. Production needs an approval confirmed by typing the ticket id (productionDeployment); staging follows stagingDeployment (off by default). Also read as written: "deploy to staging", "deploy <ticket> to production".',
  examples: ['deploy staging', 'deploy to staging', 'deploy BUG-2026-001 to staging', 'deploy production --ticket BUG-2026-001'],
  agent: 'stage',
  approval: 'productionDeployment',
  confirm: 'typed',
  mode: 'run',
});

export const rollback = defineCommand({
  id: 'rollback',
  args: [ticketArg],
  flags: [dryRunFlag],
  summary: 'Roll back a ticket\'s deployment',
  help: "Reverts the ticket's merge and runs its migration rollback if it has one. A rollback whose SQL the safety check flags as destructive asks for an approval at that step.",
  examples: ['rollback BUG-2026-001'],
  agent: 'stage',
  approval: null,
  mode: 'run',
});

export const review = defineCommand({
  id: 'review',
  args: [ticketArg],
  flags: [outputFlag],
  summary: 'Review the staged changes of a ticket',
  help: "Lists the files changed in the ticket's staged worktree and shows the diff.",
  examples: ['review BUG-2026-001'],
  agent: 'stage',
  approval: null,
  mode: 'query',
});

export const discard = defineCommand({
  id: 'discard',
  args: [ticketArg],
  flags: [],
  summary: "Remove a ticket's staged worktree",
  help: "Removes the ticket's staged worktree (its branch is kept). Nothing git does not track goes unseen: uncommitted changes and unmerged commits are archived under .agentdeck/archive/ (a git bundle and a patch), ignored files are copied there (<name>.files/), and rebuildable directories (node_modules, .next, dist, build ...) are dropped and listed. Env and key files (.env*, *.pem, *.key ...) are never archived or committed: they are listed and deleted only on the typed confirmation. Uncommitted changes, unmerged commits and env files need an approval confirmed by typing the ticket id; rejecting it keeps everything.",
  examples: ['discard FEAT-2026-002'],
  agent: 'stage',
  approval: null,
  confirm: 'typed',
  mode: 'run',
  destructive: true,
});
