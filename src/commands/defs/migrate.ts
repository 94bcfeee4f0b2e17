// The Migrator's migrations: status, creation from a description, execution.
import { arg, defineCommand, flag } from '../define.js';
import { dryRunFlag, migrationTicketFlag, outputFlag, restText, TICKET_ACCEPTS, ticketId } from './shared.js';

const dryRunTicketFlag = flag('ticket', 'string', ticketId.optional(), {
  description: "With --dry-run: the migrations of this ticket's staged worktree that the target has not applied (without it: the project's, or the one ticket whose worktree has migrations the project lacks)",
  accepts: TICKET_ACCEPTS,
  placeholder: '<ticket>',
  ticket: true,
});

export const migrateStatus = defineCommand({
  id: 'migrate status',
  args: [],
  flags: [outputFlag],
  summary: 'Check migrations',
  help: 'Lists applied, pending and unknown migrations against the target database, from the same history table as the Supabase CLI (supabase_migrations.schema_migrations).',
  examples: ['migrate status', 'migrate status --output json'],
  agent: 'migrator',
  approval: null,
  mode: 'query',
});

export const migrateCreate = defineCommand({
  id: 'migrate',
  args: [
    arg('description', 'rest', restText(2000), {
      description: 'The schema change, in words (quote it)',
      accepts: 'a description such as "Add customer preferences table with JSONB column"',
      usage: '"<description>"',
    }),
  ],
  flags: [migrationTicketFlag],
  summary: 'Create a migration from a description',
  help:
    'Writes a migration with its rollback plan, checks its safety with a real Postgres parser and dry-runs it. Common changes follow the documented spec without a model; anything else needs a model runtime. Quote the description so words like "status" are not read as a subcommand. ' +
    'Spec: create table <t> (<col> <type> [pk] [not null] [unique] [default <v>] [references <t>], ...) | add column <t>.<col> <type> [...] | drop column <t>.<col> | add [unique] index on <t> (<col>, ...) | ' +
    'add foreign key <t>.<col> references <t>[(<col>)] [on delete cascade|restrict|set null|no action] | enable rls on <t> [policy <name> for select|insert|update|delete|all [to <role>] [using (<expr>)] [check (<expr>)]]; join changes with ";" (docs/MIGRATIONS.md).',
  examples: [
    'migrate "Add customer preferences table with JSONB column"',
    'migrate "add column customers.vip boolean not null default false" --ticket FEAT-2025-003',
    'migrate "create table customer_preferences (id uuid pk default gen_random_uuid(), customer_id uuid not null references customers, prefs jsonb not null default \'{}\'::jsonb)"',
  ],
  agent: 'migrator',
  approval: null,
  mode: 'run',
});

export const migrateExecute = defineCommand({
  id: 'migrate execute',
  args: [],
  flags: [dryRunFlag, dryRunTicketFlag],
  summary: 'Apply pending migrations',
  help: "Applies the pending migrations, each in its own transaction, holding the database lock. With --dry-run they run on a copy of the target and the report shows errors, duration, rows affected, the schema change and tables the Data API cannot see; with --ticket, the dry run takes the ticket's staged worktree's migrations (they reach the database when the ticket deploys). Migrations the safety check flags as destructive need an approval (databaseDestructive).",
  examples: ['migrate execute --dry-run', 'migrate execute --dry-run --ticket FEAT-2025-003', 'migrate execute'],
  agent: 'migrator',
  // Not every execute needs one: the handler asks (bound to the exact SQL) when the safety check flags a migration.
  approval: null,
  mode: 'run',
});
