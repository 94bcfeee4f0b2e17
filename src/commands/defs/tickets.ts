// Tickets: filing work and the BugHunter's analysis, fix and verification of one ticket.
import { arg, choice, defineCommand, flag } from '../define.js';
import { outputFlag, reasonFlag, restText, ticketArg, ticketId } from './shared.js';

/** agentdeck's own ids (BUG-2026-001) are not accepted as outside references: the two would mix. */
const OWN_ID = /^(?:BUG|FEAT|TASK)-\d{4}-\d{3,}$/i;
export const REF_ACCEPTS = "your tracker's id for it, such as AI-EST-142 (letters, digits and dashes; not one of agentdeck's own ids)";

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
    flag('ref', 'string', ticketId.refine((v) => !OWN_ID.test(v), { message: 'is one of agentdeck\'s own ids' }).optional(), {
      description: "Your own tracker's id for the ticket; every command that takes a ticket then accepts it",
      accepts: REF_ACCEPTS,
      placeholder: '<ref>',
    }),
  ],
  summary: 'Create a new work item',
  help: 'Files a ticket with a readable id by kind (BUG-2026-001, FEAT-2026-002, TASK-2026-003) and queues it for the orchestrator. With --ref it also carries your tracker\'s id (AI-EST-142), by which every command can name it; free text that names such an id ("Here\'s the ticket: AI-EST-142") files it the same way.',
  examples: [
    'create ticket "AI estimates are generated but not persisting to database"',
    'create ticket login page returns 500 --kind bug --priority urgent',
    'create ticket --ref AI-EST-142 "AI estimates are not persisting to the database"',
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


export const closeTicket = defineCommand({
  id: 'close ticket',
  args: [ticketArg],
  flags: [reasonFlag],
  summary: 'Close a ticket',
  help: 'Marks the ticket closed (its worktree and deployments stay as they are); the change is recorded with its time and run. Work on it later opens it again.',
  examples: ['close ticket BUG-2026-001', 'close ticket AI-EST-142 --reason "fixed upstream"'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
});
