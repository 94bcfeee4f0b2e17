// Backup and restore of a local database of about 100 MB (OPS_BENCH_MB to change it): agentdeck's
// `backup create` / `backup restore` path on PGlite, side by side with pg_dump / pg_restore of the
// same data on Debian's PostgreSQL 15, as ratios.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkArchive, createBackup, restoreArchive, type OpsIo } from '../src/agents/ops/local.js';
import { openLocalDb } from '../src/agents/ops/local-open.js';
import { findPgTool } from '../src/agents/ops/pg-tools.js';
import { runProcess, succeeded, describeExit } from '../src/services/exec/run.js';
import { openState } from '../src/services/state/db.js';
import { pg15Available, startPg15, PG15_BIN } from '../test/agents/ops/pg15.js';
import { fileSize } from '../src/agents/ops/archive.js';

const targetMb = Number(process.env.OPS_BENCH_MB ?? 100);
// About 210 bytes per row on disk (heap and the primary key).
const rows = Math.round((targetMb * 1024 * 1024) / 210);
const SQL = `create table deals (id int primary key, title text not null, amount numeric(12,2), stage text, created_at timestamptz not null default now(), notes text);
insert into deals (id, title, amount, stage, notes)
  select g, 'deal ' || md5(g::text), (g % 100000) / 3.0, (array['lead','qualified','won','lost'])[g % 4 + 1], md5((g * 7)::text) || md5((g * 13)::text)
  from generate_series(1, ${rows}) g;`;

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

// The local PGlite runs in a worker whose script is looked up beside the running bundle.
const here = dirname(fileURLToPath(import.meta.url));
const workerScript = join(process.env.AGENTDECK_ROOT ?? process.cwd(), 'src', 'services', 'postgres', 'pglite-worker.mjs');
if (!existsSync(join(here, 'pglite-worker.mjs')) && existsSync(workerScript)) copyFileSync(workerScript, join(here, 'pglite-worker.mjs'));

const root = mkdtempSync(join(tmpdir(), 'agentdeck-ops-bench-'));
const io: OpsIo = { root, signal: new AbortController().signal, log: () => undefined };
try {
  const state = openState(root);
  const db = await openLocalDb(root, {});
  await db.exec(SQL);
  const size = Number((await db.query("select pg_database_size(current_database()) as n"))[0]?.n);
  console.log(`local database (PGlite): ${rows.toLocaleString('en-US')} rows, ${mb(size)}`);

  const [record, createMs] = await timed(() => createBackup(io, state, db, { reason: 'bench', env: {} }));
  console.log(`backup create (PGlite data dir, tar.gz + sha256): ${secs(createMs)}, archive ${mb(record.sizeBytes ?? 0)}`);

  await db.exec('delete from deals where id % 2 = 0');
  const [, restoreMs] = await timed(async () => {
    await checkArchive(io, record);
    await restoreArchive(io, db, record, {});
  });
  const back = Number((await db.query('select count(*) as n from deals'))[0]?.n);
  if (back !== rows) throw new Error(`restore lost rows: ${back} of ${rows}`);
  console.log(`backup restore (checksum check + data dir load): ${secs(restoreMs)}`);
  // The command also takes a safety backup first: its whole cost is create + restore.
  console.log(`backup restore command (safety backup + restore): ${secs(createMs + restoreMs)}`);
  await db.close();
  state.close();

  const dump = await findPgTool('pg_dump', { PATH: PG15_BIN });
  const restore = await findPgTool('pg_restore', { PATH: PG15_BIN });
  if (!pg15Available() || !dump || !restore) {
    console.log('pg_dump/pg_restore comparison: skipped (PostgreSQL 15 not installed)');
  } else {
    const pg15 = await startPg15();
    try {
      const url = await pg15.createDatabase('ops_bench');
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(SQL);
      const pgSize = Number((await c.query('select pg_database_size(current_database()) as n')).rows[0].n);
      console.log(`PostgreSQL 15: same ${rows.toLocaleString('en-US')} rows, ${mb(pgSize)}`);
      const file = join(root, 'bench.dump');
      const [d, dumpMs] = await timed(() => runProcess(dump.path, ['--format=custom', `--file=${file}`, `--dbname=${url}`]));
      if (!succeeded(d)) throw new Error(describeExit(d));
      console.log(`pg_dump -Fc (PostgreSQL 15): ${secs(dumpMs)}, archive ${mb(await fileSize(file))}`);
      await c.query('delete from deals where id % 2 = 0');
      await c.end();
      const [r, pgRestoreMs] = await timed(() =>
        runProcess(restore.path, ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', `--dbname=${url}`, file]),
      );
      if (!succeeded(r)) throw new Error(describeExit(r));
      console.log(`pg_restore --clean (PostgreSQL 15): ${secs(pgRestoreMs)}`);
      console.log(`backup create / pg_dump: ${(createMs / dumpMs).toFixed(2)}x the time`);
      console.log(`backup restore / pg_restore: ${(restoreMs / pgRestoreMs).toFixed(2)}x the time`);
      console.log(`backup restore command (with safety backup) / pg_restore: ${((createMs + restoreMs) / pgRestoreMs).toFixed(2)}x the time`);
    } finally {
      await pg15.stop();
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
