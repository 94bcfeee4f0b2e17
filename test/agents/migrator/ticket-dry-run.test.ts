// Journey 4.4 on a create-next-app project: `migrate "<spec>"` writes the migration into a ticket's
// staged worktree, and the dry run that follows (`migrate execute --dry-run`, with or without
// --ticket, and the ticket's deploy dry run) applies that worktree's pending migrations on a copy
// of the target, naming tables the Data API cannot see. The target itself is never touched.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/agents/types.js';
import { readHistory } from '../../../src/agents/migrator/history.js';
import { openTarget, stopLocalServer } from '../../../src/services/postgres/index.js';
import { buildNextApp, type NextApp } from '../../fixtures/next-app/build.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe("a ticket's staged migrations in the dry run", { timeout: 180_000 }, () => {
  let app: NextApp;
  let t: TestContext;
  let ticket = '';
  let worktree = '';
  let file = '';
  const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });
  const applied = async (): Promise<string[]> => {
    const db = openTarget({ root: app.root, env: {} });
    try {
      return (await readHistory(db)).map((h) => h.version);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    app = buildNextApp({ runner: 'node' });
    t = makeContext({ root: app.root, run: false });
    // The target is where the app is today: its first migration applied.
    expect((await run('migrate execute')).status).toBe('done');
  });
  afterAll(async () => {
    await stopLocalServer(app.root);
    t.cleanup();
    app.cleanup();
  });

  it('migrate "<spec>" puts the migration in a new ticket\'s worktree', async () => {
    const r = await run('migrate "create table customer_preferences (id uuid pk default gen_random_uuid(), customer_id uuid not null references customers, prefs jsonb not null default \'{}\'::jsonb)"');
    expect(r.status).toBe('done');
    const data = r.data as { ticketId: string; worktree: string; file: string };
    ticket = data.ticketId;
    worktree = data.worktree;
    file = data.file.slice(data.file.indexOf('supabase/migrations/'));
    expect(file).toMatch(/^supabase\/migrations\/\d{14}_create_customer_preferences\.sql$/);
  });

  it('"migrate execute --dry-run" finds the one ticket with staged migrations and dry-runs them on a copy of the target', async () => {
    const r = await run('migrate execute --dry-run');
    expect(r.status).toBe('done');
    expect(r.message).toMatch(/^Dry run successful - 0 errors, 1 migration\(s\), /);
    const lines = (r.lines ?? []).join('\n');
    expect(lines).toContain(`nothing pending in the project; dry-running ${ticket}'s staged migrations (worktree ${worktree}`);
    expect(lines).toContain('Dry run on a copy of the local database');
    expect(lines).toMatch(new RegExp(`✓ ${file.replace(/[.]/g, '\\.')}: \\d+ statement\\(s\\)`));
    expect(lines).toContain('+ relation table public.customer_preferences rls=true force=false');
    // The generated migration grants the API roles: nothing to warn about.
    expect(lines).not.toContain('not visible to the Data API');
    expect(r.data).toMatchObject({ ticketId: ticket, dir: worktree });
    expect(await applied()).toEqual(['20250101000000']);
  });

  it('--ticket names the worktree; a migration there without grants is listed as not visible to the Data API', async () => {
    write(worktree, 'supabase/migrations/20990101000000_notes.sql', 'create table public.notes (id bigint primary key, body text);\nalter table public.notes enable row level security;\n');
    write(worktree, 'supabase/rollbacks/20990101000000_notes.down.sql', 'drop table public.notes;\n');
    const r = await run(`migrate execute --dry-run --ticket ${ticket}`);
    expect(r.status).toBe('done');
    expect(r.message).toMatch(/^Dry run successful - 0 errors, 2 migration\(s\), .*; 1 table\(s\) not visible to the Data API$/);
    const lines = r.lines ?? [];
    expect(lines[0]).toBe(`Dry run of ${ticket}'s staged migrations (worktree ${worktree}/)`);
    const at = lines.findIndex((l) => l.startsWith('✓ supabase/migrations/20990101000000_notes.sql:'));
    expect(at).toBeGreaterThan(-1);
    // The warning sits under the migration that creates the table.
    expect(lines.slice(at).find((l) => l.includes('Data API'))).toBe(
      '  ⚠ public.notes is not visible to the Data API: no grant to anon, authenticated or service_role (required since 2026 for tables in exposed schemas): grant the roles that use it what they need',
    );
    expect(lines.filter((l) => l.includes('Data API'))).toHaveLength(1);
    expect(t.lines().join('\n')).toContain('Not visible to the Data API (no grants): public.notes (supabase/migrations/20990101000000_notes.sql)');
    expect(await applied()).toEqual(['20250101000000']);
  });

  it("the ticket's deploy dry run runs its tests and dry-runs its migrations, changing nothing", async () => {
    const r = await run(`deploy ${ticket} to staging --dry-run`);
    expect(r.status).toBe('done');
    expect(r.message).toMatch(new RegExp(`^dry run: ${ticket} would deploy to staging \\(tests: \\d+ passed.*; migrations: Dry run successful - 0 errors, 2 migration\\(s\\), .*\\); nothing changed$`));
    expect((r.lines ?? []).join('\n')).toContain('public.notes is not visible to the Data API');
    expect(app.git('branch', '--list', 'staging')).toBe('');
    expect(await applied()).toEqual(['20250101000000']);
  });

  it("a failing staged migration fails the ticket's dry run", async () => {
    write(worktree, 'supabase/migrations/20990102000000_broken.sql', 'alter table public.nope add column x int;\n');
    const r = await run(`deploy ${ticket} to staging --dry-run`);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('migrations: Dry run failed - 1 error(s)');
    expect((r.lines ?? []).join('\n')).toMatch(/✗ supabase\/migrations\/20990102000000_broken\.sql:1: .*nope/);
  });

  it('with two tickets holding staged migrations, the dry run asks which', async () => {
    expect((await run('migrate "add column customers.vip boolean not null default false"')).status).toBe('done');
    const r = await run('migrate execute --dry-run');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(new RegExp(`^nothing pending in the project; staged migrations in .*${ticket} \\(3\\).*: add --ticket <id> to dry-run one$`));
  });

  it('--ticket without --dry-run is refused with the line that applies them', async () => {
    const r = await run(`migrate execute --ticket ${ticket}`);
    expect(r.status).toBe('failed');
    expect(r.message).toBe(`migrate execute --ticket only dry-runs (add --dry-run): ${ticket}'s migrations reach the database when it deploys ("deploy ${ticket} to staging")`);
    expect(await applied()).toEqual(['20250101000000']);
  });
});
