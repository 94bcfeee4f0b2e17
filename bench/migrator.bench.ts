// The Migrator: (1) the dry run of 50 migrations in a scratch PGlite (replay 49 and check the
// newest with its rollback, and all 50 as pending with every rollback checked), with the scratch
// start-up from the cached template against a plain initdb as a ratio; (2) the parser's and the
// safety check's throughput in statements per second.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dryRun } from '../src/agents/migrator/dry-run.js';
import { listMigrations } from '../src/agents/migrator/files.js';
import { checkStatements } from '../src/agents/migrator/safety.js';
import { parseStatementsSync, ready } from '../src/agents/migrator/sql.js';
import { openPglite } from '../src/services/postgres/pglite.js';
import { migration } from './fixtures/migrations.js';

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const root = mkdtempSync(join(tmpdir(), 'agentdeck-bench-migrator-'));
try {
  mkdirSync(join(root, 'supabase', 'migrations'), { recursive: true });
  mkdirSync(join(root, 'supabase', 'rollbacks'), { recursive: true });
  for (let i = 0; i < 50; i++) {
    const version = String(20250101000000 + i);
    const m = migration(i);
    writeFileSync(join(root, 'supabase', 'migrations', `${version}_m${i}.sql`), m.up);
    writeFileSync(join(root, 'supabase', 'rollbacks', `${version}_m${i}.down.sql`), m.down);
  }
  const files = listMigrations(root);

  // Warm-up: compiles the WASM and makes the template once, as the first dry run on a machine does.
  await dryRun([], files.slice(0, 1), { root });

  let t = performance.now();
  const oneNew = await dryRun(files.slice(0, -1), files.slice(-1), { root });
  const oneNewMs = performance.now() - t;
  if (!oneNew.ok) throw new Error('the bench migrations did not dry-run cleanly');

  t = performance.now();
  const allNew = await dryRun([], files, { root });
  const allNewMs = performance.now() - t;
  if (!allNew.ok) throw new Error('the bench migrations did not all roll back cleanly');

  t = performance.now();
  const templated = openPglite();
  await templated.query('select 1');
  const templateMs = performance.now() - t;
  await templated.close();
  t = performance.now();
  const plain = openPglite({ template: false });
  await plain.query('select 1');
  const initdbMs = performance.now() - t;
  await plain.close();

  console.log(`dry run, 49 migrations replayed + 1 new with rollback check: ${fmt(oneNewMs)} ms`);
  console.log(`dry run, 50 pending migrations, each measured and rolled back: ${fmt(allNewMs)} ms (${fmt(allNewMs / 50, 1)} ms per migration)`);
  console.log(`scratch start from the template: ${fmt(templateMs)} ms; with initdb: ${fmt(initdbMs)} ms; ratio ${fmt(initdbMs / templateMs, 1)}x`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

// Parser throughput over a realistic mix of migration statements.
await ready();
const sample = Array.from({ length: 50 }, (_, i) => migration(i).up + migration(i).down).join('');
const perScript = parseStatementsSync(sample).length;
const rounds = 40;
for (let i = 0; i < 5; i++) checkStatements(parseStatementsSync(sample)); // warm-up (JIT)
let t = performance.now();
let statements = 0;
for (let i = 0; i < rounds; i++) statements += parseStatementsSync(sample).length;
const parseMs = performance.now() - t;
t = performance.now();
let findings = 0;
for (let i = 0; i < rounds; i++) findings += checkStatements(parseStatementsSync(sample)).length;
const checkMs = performance.now() - t;
const bytes = Buffer.byteLength(sample) * rounds;
console.log(`parse throughput: ${fmt(statements / (parseMs / 1000))} statements/s (${fmt(bytes / 1024 / 1024 / (parseMs / 1000), 1)} MB/s, ${perScript} statements per script)`);
console.log(`parse + safety check throughput: ${fmt(statements / (checkMs / 1000))} statements/s (${findings / rounds} findings per script); check overhead ${fmt(checkMs / parseMs, 2)}x parsing`);
