// Statement splitting details: statements Postgres refuses inside a transaction, comment-only
// scripts, and error positions mapped to lines.
import { describe, expect, it } from 'vitest';
import { lineWithin, needsOwnTransaction, parseStatements, relName } from '../../../src/agents/migrator/sql.js';

describe('statements', () => {
  it('knows which statements cannot run in a transaction block', async () => {
    const statements = await parseStatements(`create index concurrently a_idx on a (x);
create index b_idx on b (x);
drop index concurrently a_idx;
drop index b_idx;
reindex table concurrently a;
reindex table a;
vacuum a;
create database other;`);
    expect(statements.map(needsOwnTransaction)).toEqual([true, false, true, false, true, false, true, true]);
  });

  it('reads a script of comments only as no statements', async () => {
    expect(await parseStatements('-- nothing yet\n/* still nothing */\n')).toEqual([]);
  });

  it('maps a position inside a statement to its line', async () => {
    const [s] = await parseStatements('\n\nselect\n  nope\nfrom t');
    expect(s!.line).toBe(3);
    expect(lineWithin(s!, undefined)).toBe(3);
    expect(lineWithin(s!, s!.text.indexOf('nope') + 1)).toBe(4);
  });

  it('names relations schema-qualified', () => {
    expect(relName({ relname: 'x' })).toBe('public.x');
    expect(relName({ schemaname: 'crm', relname: 'x' })).toBe('crm.x');
    expect(relName(undefined)).toBe('public.?');
  });
});
