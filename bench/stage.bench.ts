// StageAgent: how long `emergency rollback last deployment` takes on the sample CRM app (the
// user's goal is under one minute): a code-only deployment, one that also rolls back a database
// migration on the local database, and for comparison a deploy to staging of the same change.
import { buildSampleApp } from '../test/fixtures/sample-app/build.js';
import { createEngine } from '../src/agents/orchestrator/engine.js';
import { createBus } from '../src/services/events/bus.js';
import { openState } from '../src/services/state/db.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStaged } from '../src/agents/stage/worktrees.js';
import { openTarget } from '../src/services/postgres/index.js';
import { ensureHistory, recordApplied } from '../src/agents/migrator/history.js';

const ROUNDS = 5;
const app = buildSampleApp({ allTestsPass: true });
const state = openState(app.root);
const bus = createBus({ state });
const engine = createEngine({ root: app.root, state, bus, approvalCheckMs: 0 });

async function timed(line: string): Promise<number> {
  const started = performance.now();
  const r = await engine.dispatch(line, { initiator: 'you' });
  const ms = performance.now() - started;
  if (!r.ok) throw new Error(`${line}: ${r.status}: ${r.message}`);
  return ms;
}

/** A ticket whose staged change adds a migration (and its rollback), applied to the local database. */
async function stageMigration(i: number): Promise<string> {
  const created = await engine.dispatch(`create ticket "bench migration ${i}" --kind task`, { initiator: 'you' });
  const ticket = /TASK-\d{4}-\d{3}/.exec(created.message)?.[0];
  if (!ticket) throw new Error(created.message);
  const { staged } = await ensureStaged(engine.context({ agent: 'stage', run: false }), ticket);
  const version = `2026010100000${i}`;
  mkdirSync(join(staged.path, 'supabase/rollbacks'), { recursive: true });
  writeFileSync(join(staged.path, `supabase/migrations/${version}_bench_${i}.sql`), `create table public.bench_${i} (id int primary key);\n`);
  writeFileSync(join(staged.path, `supabase/rollbacks/${version}_bench_${i}.down.sql`), `drop table public.bench_${i};\n`);
  const db = openTarget(app.root);
  await ensureHistory(db);
  await db.exec(`create table public.bench_${i} (id int primary key);`);
  await recordApplied(db, version, `bench_${i}`, [`create table public.bench_${i} (id int primary key)`]);
  await db.close();
  return ticket;
}

const deploys: number[] = [];
const rollbacks: number[] = [];
const withMigration: number[] = [];
try {
  for (let i = 1; i <= ROUNDS; i++) {
    const gen = await engine.dispatch(`generate mcp-tool bench_tool_${i}`, { initiator: 'you' });
    const ticket = (gen.data as { ticketId?: string } | undefined)?.ticketId;
    if (!gen.ok || !ticket) throw new Error(`generate failed: ${gen.message}`);
    deploys.push(await timed(`approve ${ticket} deploy to staging`));
    rollbacks.push(await timed('emergency rollback last deployment'));
  }
  for (let i = 1; i <= 3; i++) {
    const ticket = await stageMigration(i);
    await timed(`approve ${ticket} deploy to staging`);
    withMigration.push(await timed('emergency rollback last deployment'));
  }
  const db = openTarget(app.root);
  const left = await db.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname = 'public' and tablename like 'bench_%'");
  await db.close();
  console.log(`migration tables left after the rollbacks: ${left.rows[0]?.n ?? '?'} of 3`);
} finally {
  engine.close();
  bus.close();
  state.close();
  app.cleanup();
}

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const median = (xs: number[]): number => sorted(xs)[Math.floor(xs.length / 2)] as number;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const rb = median(rollbacks);
console.log(`emergency rollback last deployment: ${s(rb)} median of ${ROUNDS} (min ${s(sorted(rollbacks)[0] as number)}, max ${s(sorted(rollbacks)[ROUNDS - 1] as number)})`);
console.log(`emergency rollback with a database migration (local PGlite): ${s(median(withMigration))} median of ${withMigration.length}`);
console.log(`deploy to staging (tests + merge): ${s(median(deploys))} median of ${ROUNDS}`);
console.log(`rollback vs goal of 60 s: ${(60_000 / rb).toFixed(0)}x faster than the goal`);
console.log(`rollback vs deploy: ${(rb / median(deploys)).toFixed(2)}x the time of a deploy`);
