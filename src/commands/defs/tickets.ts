// Tickets: filing work and the BugHunter's analysis, fix and verification of one ticket.
import { arg, choice, defineCommand, flag } from '../define.js';
import { outputFlag, restText, ticketArg } from './shared.js';

export const TICKET_KINDS = ['bug', 'feature', 'task'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export type Priority = (typeof PRIORITIES)[number];

export const createTicket = defineCommand({
  id: 'create ticket',
  args: [
    arg('description', 'rest', restText(), {
      description: 'What is wrong or wanted: quoted, or the rest of the line',
      accepts: 'a description of up to 4000 characters',
      usage: '<description>',
    }),
  ],
  flags: [
    flag('kind', 'string', choice(TICKET_KINDS).optional(), {
      description: 'The ticket kind; guessed from the description when omitted',
      accepts: 'bug, feature or task',
      choices: TICKET_KINDS,
    }),
    flag('priority', 'string', choice(PRIORITIES).default('normal'), {
      description: 'Queue priority (default normal)',
      accepts: 'low, normal, high or urgent',
      choices: PRIORITIES,
    }),
  ],
  summary: 'Create a new work item',
  help: 'Files a ticket with a readable id by kind (BUG-2026-001, FEAT-2026-002, TASK-2026-003) and queues it for the orchestrator.',
  examples: [
    'create ticket "AI estimates are generated but not persisting to database"',
    'create ticket login page returns 500 --kind bug --priority urgent',
  ],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
});

export const analyzeTicket = defineCommand({
  id: 'analyze ticket',
  args: [ticketArg],
  flags: [outputFlag],
  summary: 'Deep analysis of an issue',
  help: 'Collects the evidence relevant to the ticket (diagnostics, failing tests, database findings) and, with a model runtime, proposes a root cause.',
  examples: ['analyze ticket BUG-2026-001'],
  agent: 'bughunter',
  approval: null,
  mode: 'run',
});

export const fixTicket = defineCommand({
  id: 'fix ticket',
  args: [ticketArg],
  flags: [],
  summary: 'Prepare and execute a fix',
  help: 'Prepares a staged worktree for the ticket, has the model make the change and verifies it with the tests. Without a model it stops at needs_model with the worktree ready for a manual fix (then run "verify <id>").',
  examples: ['fix ticket BUG-2026-001'],
  agent: 'bughunter',
  approval: null,
  mode: 'run',
});

export const verifyTicket = defineCommand({
  id: 'verify',
  args: [ticketArg],
  flags: [outputFlag],
  summary: 'Check a fix made in the ticket\'s worktree',
  help: 'Runs the type check, the linter and the tests in the ticket\'s staged worktree and reports whether the fix holds.',
  examples: ['verify BUG-2026-001'],
  agent: 'bughunter',
  approval: null,
  mode: 'run',
});

