// `npm test`: build, typecheck, lint, then the test suite with coverage thresholds.
// Any failing part fails the command.
import { spawnSync } from 'node:child_process';

const steps = [
  ['build', ['node', 'scripts/build.mjs']],
  ['typecheck', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['lint', ['eslint', '.', '--max-warnings', '0']],
  ['tests', ['vitest', 'run', '--coverage', ...process.argv.slice(2)]],
];

for (const [name, [cmd, ...args]] of steps) {
  const started = Date.now();
  process.stdout.write(`\n> ${name}: ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    process.stdout.write(`\n${name} failed (${secs} s)\n`);
    process.exit(r.status ?? 1);
  }
  process.stdout.write(`${name} ok (${secs} s)\n`);
}
