// Start-up of the built binary (a product feature): `--version`, `--help`, and `run` of a few
// query commands in a fresh project, each the median of several real processes, as ratios of a
// bare `node -e ""`. Also the cost of loading a project's configuration in process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.env.AGENTDECK_ROOT ?? process.cwd();
const bin = join(root, 'bin', 'agentdeck.js');
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const project = mkdtempSync(join(tmpdir(), 'agentdeck-bench-cli-'));
execFileSync('git', ['init', '-q', project]);
writeFileSync(join(project, 'agentdeck.config.json'), JSON.stringify({ name: 'bench', test: 'npm test' }));
const env = { PATH: process.env.PATH ?? '', HOME: project, NO_COLOR: '1' };

function median(args: readonly string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: project, env, stdio: 'ignore' });
    times.push(performance.now() - t);
    if (r.status !== 0 && args[0] === bin && !args.includes('health')) throw new Error(`${args.join(' ')} exited ${r.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

try {
  const runs = 9;
  const bare = median(['-e', ''], runs);
  console.log(`node -e "": ${fmt(bare, 1)} ms (median of ${runs})`);
  // One warm-up run creates the state db, so the measured runs open an existing one.
  median([bin, 'run', 'status'], 1);
  for (const args of [['--version'], ['--help'], ['run', 'status'], ['run', 'help'], ['run', 'logs', '--limit', '20'], ['run', 'health']]) {
    const ms = median([bin, ...args], runs);
    console.log(`agentdeck ${args.join(' ')}: ${fmt(ms, 1)} ms (${fmt(ms / bare, 2)}x node)`);
  }

  const { loadProject } = await import('../src/services/config/project.js');
  const n = 2_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) loadProject(project, env);
  const per = (performance.now() - t) / n;
  console.log(`loadProject (config + .env + secrets): ${fmt(per * 1000, 0)} µs per call, ${fmt(1000 / per)} calls/s`);
} finally {
  rmSync(project, { recursive: true, force: true });
}
