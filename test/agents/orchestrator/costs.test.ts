// `costs`: the model cost each run recorded, in total and per day, agent and ticket; a run that
// used a model whose account reports no cost is n/a, never free; runs outside the window and
// runs that used no model are left out.
import { afterEach, describe, expect, it } from 'vitest';
import { recordModelUse } from '../../../src/agents/runtime/usage.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

let t: TestContext | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

function insertRun(ctx: TestContext, id: string, agent: string, ticket: string | null, daysAgo: number): void {
  const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  ctx.state.db
    .prepare("INSERT INTO runs (id, line, agent, status, initiator, ticket_id, created_at, updated_at) VALUES (?, 'fix ticket', ?, 'done', 'you', ?, ?, ?)")
    .run(id, agent, ticket, at, at);
}

describe('costs', () => {
  it('adds up what each model call reported, per day, agent and ticket, and counts unpriced runs as n/a', async () => {
    t = makeContext({ run: false });
    insertRun(t, 'RUN-0001', 'bughunter', 'BUG-2026-001', 0);
    insertRun(t, 'RUN-0002', 'codesmith', 'FEAT-2026-002', 1);
    insertRun(t, 'RUN-0003', 'bughunter', 'BUG-2026-001', 0);
    insertRun(t, 'RUN-0004', 'migrator', null, 0);
    insertRun(t, 'RUN-0005', 'bughunter', 'BUG-2026-003', 30);
    // Two calls on one run add up; a subscription reports a session and no cost.
    recordModelUse(t.state, 'RUN-0001', { sessionId: 's1', costUsd: 0.25 });
    recordModelUse(t.state, 'RUN-0001', { sessionId: 's1', costUsd: 0.5 });
    recordModelUse(t.state, 'RUN-0002', { sessionId: 's2', costUsd: 1 });
    recordModelUse(t.state, 'RUN-0003', { sessionId: 's3', costUsd: null });
    recordModelUse(t.state, 'RUN-0005', { sessionId: 's5', costUsd: 9 });
    // RUN-0004 used no model: not counted.
    const r = await t.engine.dispatch('costs', { initiator: 'you' });
    expect(r.ok).toBe(true);
    expect(r.message).toBe('Model cost in the last 7 days: $1.75 over 3 runs (1 n/a: the account reports no cost)');
    const data = r.data as { agents: { key: string; runs: number; usd: number; unpriced: number }[]; tickets: { key: string; usd: number }[]; days: unknown[] };
    expect(data.agents).toEqual([
      { key: 'bughunter', runs: 2, usd: 0.75, unpriced: 1 },
      { key: 'codesmith', runs: 1, usd: 1, unpriced: 0 },
    ]);
    expect(data.tickets.map((g) => [g.key, g.usd])).toEqual([
      ['BUG-2026-001', 0.75],
      ['FEAT-2026-002', 1],
    ]);
    expect(data.days).toHaveLength(2);
    expect(r.lines).toContain('  bughunter          $0.75  2 runs, 1 n/a (subscription)');
    const month = await t.engine.dispatch('costs --days 31', { initiator: 'you' });
    expect(month.message).toMatch(/^Model cost in the last 31 days: \$10\.75 over 4 runs/);
  });

  it('says so when no model ran, and refuses a window it does not take', async () => {
    t = makeContext({ run: false });
    expect((await t.engine.dispatch('costs --days 1', { initiator: 'you' })).message).toBe('No model runs today');
    const bad = await t.engine.dispatch('costs --days 0', { initiator: 'you' });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/--days.*a whole number of days from 1 to 366/);
  });
});
