// `npm run bench [-- area...]`: runs every bench/<area>.bench.ts (or the named ones) one after
// another. Each bench is bundled with esbuild (packages stay external) and run by this Node.
// Benches print figures and ratios; none of them asserts a time.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
const all = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(', ')} (available: ${all.join(', ')})`);
  process.exit(2);
}
const areas = wanted.length > 0 ? wanted : all;
const outDir = join(root, 'node_modules', '.cache', 'agentdeck-bench');
mkdirSync(outDir, { recursive: true });

let failed = 0;
for (const area of areas) {
  const outfile = join(outDir, `${area}.mjs`);
  await build({
    entryPoints: [join(root, 'bench', `${area}.bench.ts`)],
    outfile,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    logLevel: 'warning',
  });
  console.log(`\n== ${area} ==`);
  const r = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit', cwd: root, env: { ...process.env, AGENTDECK_ROOT: root } });
  if (r.status !== 0) {
    failed++;
    console.log(`${area}: bench failed (exit ${r.status})`);
  }
}
if (!existsSync(join(root, 'dist', 'cli.js'))) console.log('note: dist/ is not built; benches that start the binary need `npm run build`');
process.exit(failed > 0 ? 1 : 0);
