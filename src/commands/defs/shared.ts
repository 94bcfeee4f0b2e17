// Validators and flags shared by several command groups.
import * as z from 'zod';
import { AGENT_KINDS } from '../types.js';
import { arg, choice, flag } from '../define.js';

/** Ticket ids: `BUG-2026-001`, `FEAT-2026-002`, or an outside reference such as `AI-EST-142`. */
export const ticketId = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$/)
  .transform((s) => s.toUpperCase());
export const TICKET_ACCEPTS = "a ticket id such as BUG-2026-001, or the ticket's own reference such as AI-EST-142";

/** Ids made by the engine or a platform (runs, approvals, backups, replicas): one plain word. */
export const plainId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);

/** The remaining words joined into one text (a description, a message). */
export function restText(max = 4000) {
  return z
    .array(z.string())
    .transform((words) => words.join(' ').trim())
    .pipe(z.string().min(1).max(max));
}

export const ticketArg = arg('id', 'word', ticketId, { description: 'The ticket', accepts: TICKET_ACCEPTS, ticket: true });

export const OUTPUTS = ['table', 'json', 'yaml'] as const;
export const outputFlag = flag('output', 'string', choice(OUTPUTS).default('table'), {
  description: 'How to print the result (default table)',
  accepts: 'json, table or yaml',
  choices: OUTPUTS,
});

export const dryRunFlag = flag('dry-run', 'boolean', z.boolean().default(false), {
  description: 'Show what would happen without changing anything',
  accepts: 'no value (or =true / =false)',
});

export const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const levelFlag = flag('level', 'string', choice(LEVELS).optional(), {
  description: 'Only lines at this level or above',
  accepts: 'debug, info, warn or error',
  choices: LEVELS,
});

export const limitFlag = flag('limit', 'number', z.number().int().min(1).max(100_000).optional(), {
  description: 'At most this many entries (newest first)',
  accepts: 'a whole number from 1 to 100000',
  placeholder: '<n>',
});

export const ticketFlag = flag('ticket', 'string', ticketId.optional(), {
  description: 'Attach the work to this ticket (otherwise one is opened)',
  accepts: TICKET_ACCEPTS,
  placeholder: '<ticket>',
  ticket: true,
});

/** A migration goes into the project unless a ticket is named: then into its staged worktree. */
export const migrationTicketFlag = flag('ticket', 'string', ticketId.optional(), {
  description: "Write it into this ticket's staged worktree and commit it there, so it deploys with the ticket (otherwise into the project's supabase/migrations)",
  accepts: TICKET_ACCEPTS,
  placeholder: '<ticket>',
  ticket: true,
});

export const reasonFlag = flag('reason', 'string', z.string().trim().min(1).max(500).optional(), {
  description: 'Why; recorded in the audit trail',
  accepts: 'a short text (quote it when it has spaces)',
  placeholder: '<text>',
});

/** Agent names as typed: a kind (`bughunter`), a display name (`StageAgent`), or an instance (`bughunter-1`). */
const AGENT_ALIASES: Readonly<Record<string, string>> = { stageagent: 'stage', staging: 'stage' };
export const agentName = z
  .string()
  .transform((s) => {
    const lower = s.toLowerCase();
    return AGENT_ALIASES[lower] ?? lower;
  })
  .pipe(z.string().regex(new RegExp(`^(?:${AGENT_KINDS.join('|')})(?:-[0-9]{1,4})?$`)));
export const AGENT_ACCEPTS = `an agent: ${AGENT_KINDS.join(', ')} (or an instance such as bughunter-1)`;
