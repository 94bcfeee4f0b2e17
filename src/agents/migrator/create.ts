// Creating a migration: from the spec (no model) or from words (the model runtime drafts it).
// Either way the draft is written with its rollback, safety-checked and dry-run on top of the
// schema the existing migrations build. It goes into a ticket's staged worktree (the one named
// with --ticket, else a ticket opened for it) and is committed there once its dry run passes, so it
// deploys, and rolls back, with the ticket; the admin's own tree is never written.
import { join } from 'node:path';
import * as z from 'zod';
import { clipRedacted } from '../../services/secrets/redact.js';
import { gitRaw } from '../../services/git/git.js';
import { engineOf } from '../orchestrator/internals.js';
import { askModel } from '../runtime/ask.js';
import { ticketFor } from '../codesmith/generate.js';
import { shownPath } from '../stage/layout.js';
import { commitWritten, ensureStaged, type Staged } from '../stage/worktrees.js';
import { CommandError, fail, needsModel, ok, type CommandContext, type CommandResult } from '../types.js';
import { unwrap } from './common.js';
import { describeDryRun, dryRun } from './dry-run.js';
import { listMigrations, writeMigration } from './files.js';
import { generateMigration, lookupFromCatalog } from './generate.js';
import { describeFindings } from './safety.js';
import { openScratch } from './scratch.js';
import { looksLikeSpec, parseSpec, SPEC_HELP, SpecError, type Change } from './spec.js';

/** What a producer hands back: a file name and the two scripts. */
interface Draft {
  readonly name: string;
  /** The name was derived from the changes (numbered when taken), not chosen (refused when taken). */
  readonly derived?: boolean;
  readonly up: string;
  readonly down: string;
}

/** Turns the catalog of the current schema (sorted lines) into a draft. */
type Producer = (catalog: readonly string[]) => Promise<Draft>;

const SPEC_LINES = SPEC_HELP.map((l) => `  ${l}`);

/** A file name from the changes: create_customer_preferences, add_customers_vip... */
function nameOf(changes: readonly Change[]): string {
  const one = (c: Change): string => {
    const t = c.table.replace(/^public\./, '');
    switch (c.op) {
      case 'create_table':
        return `create_${t}`;
      case 'add_column':
        return `add_${t}_${c.column.name}`;
      case 'drop_column':
        return `drop_${t}_${c.column}`;
      case 'add_index':
        return `index_${t}_${c.columns.join('_')}`;
      case 'add_foreign_key':
        return `fk_${t}_${c.column}`;
      case 'enable_rls':
        return `rls_${t}`;
    }
  };
  return changes.slice(0, 2).map(one).join('_and_') + (changes.length > 2 ? '_and_more' : '');
}

function specFailure(err: unknown): CommandResult | null {
  const e = unwrap(err);
  return e instanceof SpecError ? { ...fail('bad_spec', `migration spec: ${e.message}`), lines: ['The spec accepts:', ...SPEC_LINES] } : null;
}

/**
 * Where a new migration goes: always a ticket's staged worktree, never the admin's own tree. The
 * ticket is the one named (or the run's); without one a ticket is opened for the migration.
 */
interface Home {
  readonly dir: string;
  /** Null only in a project that is not a git repository (no worktree possible): then the project itself. */
  readonly staged: Staged | null;
  readonly opened: boolean;
  /** A path relative to `dir` as lines show it (absolute when the worktree is outside the project). */
  shown(file: string): string;
}

async function homeOf(ctx: CommandContext, ticket: string | undefined, what: string): Promise<Home> {
  if (!ticket && !ctx.ticketId && (await gitRaw(ctx.root, ['rev-parse', '--is-inside-work-tree'])).code !== 0) {
    return { dir: ctx.root, staged: null, opened: false, shown: (file) => file };
  }
  const { id, opened } = await ticketFor(ctx, ticket, `Migration: ${clipRedacted(what.replace(/\s+/g, ' '), 70, engineOf(ctx).bus.redact)}`);
  const { staged } = await ensureStaged(ctx, id);
  if (opened) ctx.log('info', `The migration goes into ${id}'s staged worktree: ${shownPath(ctx.root, staged.path)}`);
  return { dir: staged.path, staged, opened, shown: (file) => shownPath(ctx.root, join(staged.path, file)).replace(/\/$/, '') };
}

/** Analyze the current schema, write the draft and its rollback, check it and dry-run it. */
async function createMigration(ctx: CommandContext, what: string, produce: Producer, ticket: string | undefined): Promise<CommandResult> {
  const home = await homeOf(ctx, ticket, what);
  const existing = listMigrations(home.dir);
  const scratch = await openScratch(ctx.root);
  try {
    let replayed = false;
    const base = await ctx.step('ANALYZE', 'analyze the current schema', async () => {
      const report = await dryRun(existing, [], { root: ctx.root, scratch, signal: ctx.signal });
      replayed = true;
      return { ok: report.ok, lines: describeDryRun(report), catalog: [...report.baseCatalog] };
    });
    // A resumed run gets the step's recorded output: the scratch database still needs the schema.
    if (base.ok && !replayed) await dryRun(existing, [], { root: ctx.root, scratch, signal: ctx.signal });
    if (!base.ok) return { ...fail('base_failed', 'the existing migrations do not apply cleanly; fix them first'), lines: base.lines };
    ctx.log('success', 'Analyzing current schema');

    let created: { file: string; rollbackFile: string; version: string; written: string[] };
    try {
      created = await ctx.step('PLAN', 'write the migration and its rollback', async () => {
        const draft = await produce(base.catalog);
        const header = `-- ${clipRedacted(what.replace(/\s+/g, ' '), 300, engineOf(ctx).bus.redact)}\n-- Rollback: supabase/rollbacks/<this file's name>.down.sql\n\n`;
        const w = writeMigration(home.dir, draft.name, header + draft.up, `-- Rollback of the migration of the same name in supabase/migrations\n\n${draft.down}`, new Date(), draft.derived ? 'number' : 'refuse');
        return { file: home.shown(w.file), rollbackFile: home.shown(w.rollbackFile), version: w.version, written: [w.file, w.rollbackFile] };
      });
    } catch (err) {
      const failure = specFailure(err);
      if (failure) return failure;
      throw err;
    }
    ctx.log('success', 'Creating rollback plan', { rollback: created.rollbackFile });

    const file = listMigrations(home.dir).find((m) => m.version === created.version)!;
    const report = await ctx.step('VALIDATE', 'dry-run the migration and its rollback', async () => {
      const r = await dryRun([], [file], { root: ctx.root, scratch, signal: ctx.signal });
      return { ok: r.ok, errors: r.errors, lines: describeDryRun(r).slice(1), safety: r.candidates[0]?.safety ?? null };
    });
    const safety = report.safety;
    if (safety && safety.findings.length > 0) {
      for (const f of describeFindings(safety.findings, file.file)) ctx.log('warn', f);
    } else ctx.log('success', 'Checking for breaking changes: none found');
    const lines = [created.file, created.rollbackFile, ...report.lines];
    if (!report.ok) {
      ctx.log('error', `Dry run failed: ${created.file}`);
      return { ...fail('dry_run_failed', `${created.file} was written but its dry run failed; fix it or delete it with its rollback`), lines };
    }
    const staged = home.staged;
    if (!staged) {
      ctx.log('success', `Migration ready: ${created.file}`);
      return ok(`Migration ready: ${created.file} (rollback ${created.rollbackFile})`, { ...created, safety, needsApproval: safety?.needsApproval ?? false }, lines);
    }
    // Only the two files written here: a hand edit in the worktree stays out of this commit.
    await ctx.step('EXECUTE', `commit the migration in ${staged.ticketId}'s worktree`, () =>
      commitWritten(ctx, staged, created.written, `Migration ${created.version}: ${clipRedacted(what.replace(/\s+/g, ' '), 60, engineOf(ctx).bus.redact)}`),
    );
    const where = shownPath(ctx.root, staged.path);
    ctx.log('success', `Migration ready: ${where}`);
    const next = `review ${staged.ticketId}`;
    return ok(
      `Migration ready: ${created.file} (rollback ${created.rollbackFile}) in ${staged.ticketId}'s worktree${home.opened ? ' (new ticket)' : ''}; next: "${next}"`,
      { ...created, ticketId: staged.ticketId, ticketOpened: home.opened, worktree: staged.path, safety, needsApproval: safety?.needsApproval ?? false },
      lines,
    );
  } finally {
    await scratch.close();
  }
}

async function fromSpec(ctx: CommandContext, specText: string, name: string | null, ticket: string | undefined): Promise<CommandResult> {
  let changes: Change[];
  try {
    changes = await ctx.step('UNDERSTAND', 'read the migration spec', async () => parseSpec(specText));
  } catch (err) {
    const failure = specFailure(err);
    if (failure) return failure;
    throw err;
  }
  return createMigration(
    ctx,
    specText,
    async (catalog) => {
      const sql = generateMigration(changes, lookupFromCatalog(catalog));
      return { name: name ?? nameOf(changes), derived: name === null, up: sql.up, down: sql.down };
    },
    ticket,
  );
}

const DraftSchema = z.object({
  name: z.string().trim().min(1).max(80),
  up: z.string().trim().min(1),
  down: z.string().trim().min(1),
});

/** Words -> the model runtime drafts the SQL; without a model: needs_model, with the spec shown. */
async function fromWords(ctx: CommandContext, description: string, name: string | null, ticket: string | undefined): Promise<CommandResult> {
  if (!engineOf(ctx).runtime.hasModel) {
    return { ...needsModel('Writing a migration from a description in words'), lines: ['Without a model, write the change in the migration spec:', ...SPEC_LINES] };
  }
  return createMigration(ctx, description, async (catalog) => {
    const answer = await askModel(ctx, {
      prompt: [
        `Write a PostgreSQL migration for this Supabase project: ${description}`,
        'The schema the existing migrations build, one object per line:',
        ...catalog.slice(0, 400),
        'Answer with a snake_case file name, the migration SQL (up) and SQL that undoes it exactly (down).',
        'On existing tables prefer changes that do not block a live database: CREATE INDEX CONCURRENTLY, foreign keys NOT VALID then VALIDATE CONSTRAINT, new NOT NULL columns with a DEFAULT.',
        'Supabase Data API rule (2026): every table created in public needs RLS enabled, explicit policies, explicit GRANTs to the roles that use it (anon, authenticated, service_role) and an index on each foreign key column; the down SQL revokes and drops what the up SQL added.',
      ].join('\n'),
      allowedTools: ['Read', 'Glob', 'Grep'],
      outputSchema: {
        type: 'object',
        properties: { name: { type: 'string' }, up: { type: 'string' }, down: { type: 'string' } },
        required: ['name', 'up', 'down'],
      },
    });
    const draft = DraftSchema.safeParse(answer.structured);
    if (!draft.success) throw new CommandError('model_failed', 'the model did not answer with a migration (name, up and down SQL)');
    return { name: name ?? draft.data.name, derived: name === null, up: `${draft.data.up}\n`, down: `${draft.data.down}\n` };
  }, ticket);
}

/** `migrate "<description>"`: the spec when it reads as one, else words for the model. */
export function migrateFromText(ctx: CommandContext, description: string, ticket?: string): Promise<CommandResult> {
  return looksLikeSpec(description) ? fromSpec(ctx, description, null, ticket) : fromWords(ctx, description, null, ticket);
}

/** `generate migration <name>`, `<name>: <spec>` or `<spec>`; a bare name writes an empty pair to fill in. */
export async function generateNamed(ctx: CommandContext, text: string, ticket?: string): Promise<CommandResult> {
  const colon = /^([A-Za-z0-9_-]+)\s*:\s*(.+)$/s.exec(text);
  if (colon) return looksLikeSpec(colon[2]!) ? fromSpec(ctx, colon[2]!, colon[1]!, ticket) : fromWords(ctx, colon[2]!, colon[1]!, ticket);
  if (/\s/.test(text)) return migrateFromText(ctx, text, ticket);
  const home = await homeOf(ctx, ticket, text);
  const created = await ctx.step('PLAN', 'write an empty migration and rollback', async () => {
    const w = writeMigration(
      home.dir,
      text,
      `-- ${text}\n-- Write the migration's SQL here; its rollback goes in supabase/rollbacks/ (same name, .down.sql).\n`,
      `-- Rollback of ${text}: SQL that undoes the migration.\n`,
    );
    return { file: home.shown(w.file), rollbackFile: home.shown(w.rollbackFile), version: w.version };
  });
  ctx.log('success', `Created migration: ${created.file}`);
  return ok(`Created empty migration ${created.file} and rollback ${created.rollbackFile}`, created, [created.file, created.rollbackFile]);
}
