// The one-time move of an existing PGlite database to the local PostgreSQL server: schema from the
// recorded migrations, every row, sequences where they were, the PGlite directory kept as the
// backup; a PGlite database changed outside its migrations is not moved, and the reason is kept.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localServerPaths, openTarget, stopLocalServer } from '../../../src/services/postgres/index.js';
import { upgradeNotePath } from '../../../src/services/postgres/local-server.js';
import { localDbCheck } from '../../../src/services/health/checks/local-db.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

const contexts: TestContext[] = [];
afterAll(async () => {
  for (const t of contexts) {
    await stopLocalServer(t.root);
    t.cleanup();
  }
});

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A project whose local database is PGlite (as before this engine), with migrations applied and rows. */
async function pgliteProject(outOfBand?: string): Promise<TestContext> {
  const t = makeContext({ agent: 'migrator' });
  contexts.push(t);
  process.env.AGENTDECK_LOCAL_ENGINE = 'pglite';
  try {
    write(t.root, 'supabase/migrations/20250101000000_leads.sql', `create table public.leads (
  id bigint generated always as identity primary key,
  email text not null,
  domain text generated always as (split_part(email, '@', 2)) stored
);
create table public.notes (id bigserial primary key, lead_id bigint references public.leads (id), body text);
create index notes_lead_id_idx on public.notes (lead_id);
`);
    const r = await t.engine.dispatch('migrate execute', { initiator: 'you' });
    expect(r.status).toBe('done');
    const db = openTarget({ root: t.root, env: {} });
    await db.exec(`insert into public.leads (email) select 'l' || g || '@example.com' from generate_series(1, 30) g;
                   insert into public.notes (lead_id, body) select g, 'note ' || g from generate_series(1, 30) g;
                   ${outOfBand ?? ''}`);
    await db.close();
  } finally {
    delete process.env.AGENTDECK_LOCAL_ENGINE;
  }
  return t;
}

describe('moving from PGlite to the local server', { timeout: 400_000 }, () => {
  it('moves schema, rows, history and sequences once, keeping the PGlite directory as the backup', async () => {
    const t = await pgliteProject();
    const db = openTarget({ root: t.root, env: {} });
    try {
      expect(db.kind).toBe('pg');
      const rows = await db.query(`select (select count(*)::int from public.leads) as leads, (select count(*)::int from public.notes) as notes,
                                          (select domain from public.leads where id = 7) as domain,
                                          (select count(*)::int from supabase_migrations.schema_migrations) as history`);
      expect(rows.rows[0]).toEqual({ leads: 30, notes: 30, domain: 'example.com', history: 1 });
      // Sequences continue where PGlite left them.
      const next = await db.query<{ id: string }>(`insert into public.leads (email) values ('new@example.com') returning id::text`);
      expect(next.rows[0]?.id).toBe('31');
    } finally {
      await db.close();
    }
    const agentdeck = join(t.root, '.agentdeck');
    expect(existsSync(join(agentdeck, 'pglite'))).toBe(false);
    const kept = readdirSync(agentdeck).filter((n) => n.startsWith('pglite.before-postgres-'));
    expect(kept).toHaveLength(1);
    expect(existsSync(join(agentdeck, kept[0]!, 'PG_VERSION'))).toBe(true);
    expect(readFileSync(upgradeNotePath(localServerPaths(t.root)), 'utf8')).toMatch(/^moved from PGlite; the PGlite directory is kept as /);
  });

  it('leaves a PGlite database changed outside its migrations where it is, and says why', async () => {
    const t = await pgliteProject('create table public.scratchpad (id int);');
    const db = openTarget({ root: t.root, env: {} });
    try {
      const r = await db.query(`select to_regclass('public.leads')::text as leads`);
      expect(r.rows[0]).toEqual({ leads: null });
    } finally {
      await db.close();
    }
    expect(existsSync(join(t.root, '.agentdeck', 'pglite', 'PG_VERSION'))).toBe(true);
    expect(readFileSync(upgradeNotePath(localServerPaths(t.root)), 'utf8')).toMatch(/^not moved from PGlite: the PGlite database has changes made outside its recorded migrations \(.*public\.scratchpad/);
    // health names it.
    const outcome = await localDbCheck.run({ target: { root: t.root, env: {} }, signal: new AbortController().signal, fetch });
    expect(outcome.status).toBe('failing');
    expect(outcome.detail).toMatch(/^the local database was not moved from PGlite: /);
  });
});
