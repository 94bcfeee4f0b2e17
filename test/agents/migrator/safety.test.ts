// The safety check on real parse trees: every flagged pattern with a migration that triggers it
// and one that does not.
import { describe, expect, it } from 'vitest';
import { checkMigration, describeFindings, RULES, type RuleId } from '../../../src/agents/migrator/safety.js';
import { parseStatements, SqlSyntaxError } from '../../../src/agents/migrator/sql.js';

const CASES: readonly { rule: RuleId; triggers: string; safe: string }[] = [
  { rule: 'drop_table', triggers: 'drop table customers;', safe: 'create table scratch (id int); drop table scratch;' },
  { rule: 'drop_column', triggers: 'alter table customers drop column phone;', safe: 'alter table customers add column phone text;' },
  { rule: 'truncate', triggers: 'truncate table audit_log;', safe: "delete from audit_log where created_at < now() - interval '90 days';" },
  { rule: 'delete_without_where', triggers: 'delete from sessions;', safe: 'delete from sessions where expires_at < now();' },
  { rule: 'update_without_where', triggers: "update customers set status = 'active';", safe: "update customers set status = 'active' where status is null;" },
  { rule: 'column_type_change', triggers: 'alter table estimates alter column total type numeric(12,2);', safe: 'alter table estimates add column total_v2 numeric(12,2);' },
  { rule: 'set_not_null', triggers: 'alter table customers alter column email set not null;', safe: 'alter table customers add constraint email_present check (email is not null) not valid;' },
  {
    rule: 'not_null_column_without_default',
    triggers: 'alter table customers add column tier text not null;',
    safe: "alter table customers add column tier text not null default 'basic';",
  },
  { rule: 'index_without_concurrently', triggers: 'create index customers_email_idx on customers (email);', safe: 'create index concurrently customers_email_idx on customers (email);' },
  {
    rule: 'fk_without_not_valid',
    triggers: 'alter table estimates add constraint estimates_customer_fkey foreign key (customer_id) references customers (id);',
    safe: 'alter table estimates add constraint estimates_customer_fkey foreign key (customer_id) references customers (id) not valid;',
  },
  { rule: 'rename', triggers: 'alter table customers rename column phone to phone_number;', safe: 'comment on column customers.phone is $$E.164$$;' },
];

describe('migration safety check', () => {
  for (const c of CASES) {
    it(`flags ${c.rule}, and not its safe counterpart`, async () => {
      const flagged = await checkMigration(`-- migration\n${c.triggers}\n`);
      const hit = flagged.findings.find((f) => f.rule === c.rule);
      expect(hit, `${c.rule} on: ${c.triggers}`).toBeDefined();
      expect(hit!.severity).toBe(RULES[c.rule].severity);
      expect(hit!.line).toBe(2);
      expect(hit!.explanation.length).toBeGreaterThan(10);
      expect(hit!.safer.length).toBeGreaterThan(10);
      expect(flagged.needsApproval).toBe(RULES[c.rule].destructive);

      const clean = await checkMigration(c.safe);
      expect(clean.findings.map((f) => f.rule)).not.toContain(c.rule);
    });
  }

  it('treats tables created in the same migration as new: index, NOT NULL and FK on them are fine', async () => {
    const sql = `create table public.prefs (id uuid primary key, customer_id uuid);
alter table prefs add column level int not null;
create index prefs_customer_idx on prefs (customer_id);
alter table prefs add constraint prefs_customer_fkey foreign key (customer_id) references customers (id);
alter table prefs alter column level set not null;`;
    const report = await checkMigration(sql);
    expect(report.findings).toEqual([]);
    expect(report.statements).toBe(5);
  });

  it('names the objects and the line, and renders one line per finding', async () => {
    const sql = 'create table a (id int);\n\ndrop table public.a, b;\nalter table c rename to d;\n';
    const report = await checkMigration(sql);
    expect(report.findings.map((f) => [f.rule, f.line, f.message])).toEqual([
      ['drop_table', 3, 'drops table public.b'],
      ['rename', 4, 'renames table public.c to d'],
    ]);
    const lines = describeFindings(report.findings, 'supabase/migrations/1_x.sql');
    expect(lines[0]).toMatch(/^HIGH supabase\/migrations\/1_x\.sql:3: drops table public\.b: dropping a table deletes all of its rows\. Safer: /);
    expect(lines[1]).toMatch(/^MEDIUM supabase\/migrations\/1_x\.sql:4: renames table/);
  });

  it('reports a syntax error with its line and column', async () => {
    const err = await parseStatements('select 1;\n\ncreate tabel x (id int);').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlSyntaxError);
    expect((err as SqlSyntaxError).line).toBe(3);
    expect((err as SqlSyntaxError).column).toBe(8);
    expect((err as SqlSyntaxError).message).toContain('syntax error at or near "tabel"');
  });

  it('splits statements keeping lines right after multi-byte text and comments', async () => {
    const statements = await parseStatements("-- café ☕\ninsert into t values ('é');\n/* block\ncomment */ select 2\n");
    expect(statements.map((s) => [s.kind, s.line, s.text])).toEqual([
      ['InsertStmt', 2, "insert into t values ('é')"],
      ['SelectStmt', 4, 'select 2'],
    ]);
  });
});
