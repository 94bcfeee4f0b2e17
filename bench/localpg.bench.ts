// The local PostgreSQL server against anchors measured in the same run on Debian's PostgreSQL 15:
//   first use on a fresh project (initdb, start, bootstrap; anchor 1.5 s) and a later command's
//   start of a stopped server (anchor 100 ms);
//   a dry run of 50 migrations with every rollback checked, on a copy of the target, against psql
//   applying the same migrations and their rollbacks (target: within 2x);
//   backup create (pg_dump -Fc + checksum) against pg_dump -Fc (1.1x), restore against
//   pg_restore --clean --single-transaction (1.5x);
//   peak RSS of a Migrator and an Ops command through the built binary (<= 150 MB).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dryRun } from '../src/agents/migrator/dry-run.js';
import { listMigrations } from '../src/agents/migrator/files.js';
import { sha256File } from '../src/agents/ops/archive.js';
import { findPgTool } from '../src/agents/ops/pg-tools.js';
import { pgDump, pgRestore } from '../src/agents/ops/pg-backup.js';
import { ensureLocalServer, openLocalScratch, stopLocalServer } from '../src/services/postgres/index.js';
import { startPostgres15 } from '../test/setup/postgres15.js';
import { migration } from './fixtures/migrations.js';

const REPO = process.env.AGENTDECK_ROOT ?? process.cwd();
const fmt = (n: number): string => `${Math.round(n)} ms`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
const time = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t = performance.now();
  const out = await fn();
  return [performance.now() - t, out];
};

function sh(cmd: string, args: string[], env: Record<string, string> = {}): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr?.toString().slice(-500)}`);
}

const DATA_SQL = `create table public.events (id bigserial primary key, kind text not null, payload jsonb, at timestamptz default now());
insert into public.events (kind, payload) select 'kind ' || (g % 50), jsonb_build_object('n', g, 'text', repeat(md5(g::text), 4)) from generate_series(1, 200000) g;
create index events_kind_idx on public.events (kind);`;

const root = mkdtempSync(join(tmpdir(), 'agentdeck-bench-localpg-'));
// As root the server's data lives under this home (the server user must reach it): a temp one here.
const pgHome = mkdtempSync(join(tmpdir(), 'agentdeck-bench-pghome-'));
chmodSync(pgHome, 0o755);
process.env.AGENTDECK_PG_HOME = pgHome;
const pg15 = await startPostgres15();
try {
  // ---- start-up ----
  const [firstMs] = await time(() => ensureLocalServer(root));
  await stopLocalServer(root);
  const [restartMs] = await time(() => ensureLocalServer(root));
  const [findMs] = await time(() => ensureLocalServer(root));
  console.log(`first use on a fresh project   ${fmt(firstMs)}   (anchor 1500 ms: ${ratio(firstMs, 1500)})`);
  console.log(`later start of a stopped server ${fmt(restartMs)}   (anchor 100 ms: ${ratio(restartMs, 100)})`);
  console.log(`later command, server running   ${fmt(findMs)}`);

  // ---- dry run of 50 migrations ----
  mkdirSync(join(root, 'supabase', 'migrations'), { recursive: true });
  mkdirSync(join(root, 'supabase', 'rollbacks'), { recursive: true });
  const ups: string[] = [];
  const downs: string[] = [];
  for (let i = 0; i < 50; i++) {
    const version = String(20250101000000 + i);
    const m = migration(i);
    writeFileSync(join(root, 'supabase', 'migrations', `${version}_m${i}.sql`), m.up);
    writeFileSync(join(root, 'supabase', 'rollbacks', `${version}_m${i}.down.sql`), m.down);
    ups.push(m.up);
    downs.unshift(m.down);
  }
  const files = listMigrations(root);
  const [dryMs, report] = await time(async () => {
    const scratch = await openLocalScratch(root, 'target');
    try {
      return await dryRun([], files, { root, scratch });
    } finally {
      await scratch.close();
    }
  });
  if (!report.ok) throw new Error('the bench migrations did not dry-run cleanly');
  const psql = (await findPgTool('psql'))!.path;
  const script = join(root, 'all.sql');
  writeFileSync(script, [...ups, ...downs].join('\n'));
  const url = new URL(pg15.url);
  const [psqlMs] = await time(async () => sh(psql, ['-q', '-v', 'ON_ERROR_STOP=1', '-d', url.toString(), '-f', script]));
  console.log(`dry run, 50 migrations + rollbacks ${fmt(dryMs)}   psql on PostgreSQL 15 ${fmt(psqlMs)}   ${ratio(dryMs, psqlMs)} (target <= 2x)`);

  // ---- backup and restore of the same data ----
  const server = await ensureLocalServer(root);
  sh(psql, ['-q', '-v', 'ON_ERROR_STOP=1', '-d', server.url(), '-c', DATA_SQL]);
  sh(psql, ['-q', '-v', 'ON_ERROR_STOP=1', '-d', pg15.url, '-c', DATA_SQL]);
  const ours = join(root, 'ours.dump');
  const theirs = join(root, 'theirs.dump');
  const [createMs] = await time(async () => {
    await pgDump(server.url(), ours, { env: process.env });
    return sha256File(ours);
  });
  const pgDumpBin = (await findPgTool('pg_dump'))!.path;
  const [anchorDumpMs] = await time(async () => sh(pgDumpBin, ['-Fc', `--file=${theirs}`, `--dbname=${pg15.url}`]));
  console.log(`backup create (pg_dump -Fc + sha256) ${fmt(createMs)}   pg_dump -Fc ${fmt(anchorDumpMs)}   ${ratio(createMs, anchorDumpMs)} (target <= 1.1x)`);
  const [restoreMs] = await time(() => pgRestore(server.url(), ours, { env: process.env }));
  const pgRestoreBin = (await findPgTool('pg_restore'))!.path;
  const [anchorRestoreMs] = await time(async () => sh(pgRestoreBin, ['--clean', '--if-exists', '--single-transaction', `--dbname=${pg15.url}`, theirs]));
  console.log(`backup restore (pg_restore) ${fmt(restoreMs)}   pg_restore --clean --single-transaction ${fmt(anchorRestoreMs)}   ${ratio(restoreMs, anchorRestoreMs)} (target <= 1.5x)`);

  // ---- peak RSS of commands through the built binary ----
  for (const command of ['migrate execute --dry-run', 'backup create', 'backup list', 'security audit']) {
    // Run as users run it: the executable itself, so its V8 flags apply (its `env node` finds the
    // pinned Node first on PATH, as under npm scripts).
    const r = spawnSync('/usr/bin/time', ['-f', '%M', join(REPO, 'bin', 'agentdeck.js'), 'run', command], {
      cwd: root,
      env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: root, AGENTDECK_PG_HOME: pgHome },
      encoding: 'utf8',
    });
    const kb = Number(r.stderr.trim().split('\n').at(-1));
    console.log(`peak RSS of "${command}" ${Number.isFinite(kb) ? `${Math.round(kb / 1024)} MB` : `unknown (${r.stderr.slice(-200)})`} (target <= 150 MB; exit ${r.status})`);
  }
} finally {
  await stopLocalServer(root);
  await pg15.stop();
  rmSync(root, { recursive: true, force: true });
  rmSync(pgHome, { recursive: true, force: true });
}
