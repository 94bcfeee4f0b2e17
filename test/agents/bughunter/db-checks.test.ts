import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { databaseFindings, type Query } from '../../../src/agents/bughunter/db-checks.js';
import { buildSampleApp, type SampleApp } from '../../fixtures/sample-app/build.js';

describe('database findings (PGlite with the sample app migrations)', () => {
  let db: PGlite;
  let app: SampleApp;
  const query: Query = async (sql) => (await db.query<Record<string, unknown>>(sql)).rows;

  beforeAll(async () => {
    app = buildSampleApp();
    db = new PGlite();
    const dir = join(app.root, 'supabase/migrations');
    for (const f of readdirSync(dir).sort()) await db.exec(readFileSync(join(dir, f), 'utf8'));
  });
  afterAll(async () => {
    await db.close();
    app.cleanup();
  });

  it('finds the *_id column without a foreign key, the unindexed foreign key and the table without RLS', async () => {
    const findings = await databaseFindings(query);
    const byRule = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.location);
    expect(byRule('missing-foreign-key')).toEqual(['public.estimates.customer_id']);
    expect(byRule('foreign-key-without-index')).toEqual(['public.invoices.customer_id']);
    expect(byRule('rls-disabled')).toEqual(['public.estimates']);
    expect(findings.find((f) => f.rule === 'missing-foreign-key')?.severity).toBe('high');
  });

  it('reports nothing once the foreign key, its index and RLS exist', async () => {
    await db.exec(`
      alter table public.estimates add constraint estimates_customer_fk foreign key (customer_id) references public.customers (id);
      create index on public.estimates (customer_id);
      create index on public.invoices (customer_id);
      alter table public.estimates enable row level security;`);
    expect(await databaseFindings(query)).toEqual([]);
  });

  it('does not count an index that covers the foreign key column only in second place', async () => {
    await db.exec(`
      create table public.notes (id uuid primary key, body text, invoice_id uuid references public.invoices (id));
      alter table public.notes enable row level security;
      create index on public.notes (body, invoice_id);`);
    const findings = await databaseFindings(query);
    expect(findings.map((f) => `${f.rule}:${f.location}`)).toEqual(['foreign-key-without-index:public.notes.invoice_id']);
  });
});
