// Orchestration overhead: runs per second for 1,000 trivial durable runs (a run row, one recorded
// step, events and audit), against the same handler as a query (no run); and how many events per
// second the bus appends to the state db while those runs go on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { arg, defineCommand } from '../src/commands/define.js';
import { createEngine } from '../src/agents/orchestrator/engine.js';
import { handle, ok, type CommandContext, type CommandResult } from '../src/agents/types.js';
import type { CommandSpec } from '../src/commands/types.js';
import { createBus } from '../src/services/events/bus.js';
import { openState } from '../src/services/state/db.js';
import { countEvents } from '../src/services/state/events.js';

// The audit key and checkpoint of each throwaway project go to a throwaway config directory.
const configHome = mkdtempSync(join(tmpdir(), 'agentdeck-bench-config-'));
process.env.XDG_CONFIG_HOME = configHome;
process.on('exit', () => rmSync(configHome, { recursive: true, force: true }));

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const RUNS = 1000;

const trivial = defineCommand({
  id: 'bench trivial',
  args: [arg('n', 'word', z.number(), { description: 'n', accepts: 'a number' })],
  flags: [],
  summary: 'one step',
  help: 'bench',
  examples: ['bench trivial 1'],
  agent: 'ops',
  approval: null,
  mode: 'run',
});
const query = defineCommand({
  id: 'bench query',
  args: [arg('n', 'word', z.number(), { description: 'n', accepts: 'a number' })],
  flags: [],
  summary: 'one step, no run',
  help: 'bench',
  examples: ['bench query 1'],
  agent: 'ops',
  approval: null,
  mode: 'query',
});
const body = async (ctx: CommandContext, args: { n: number }): Promise<CommandResult> => {
  const out = await ctx.step('EXECUTE', 'add one', () => Promise.resolve(args.n + 1));
  return ok(`got ${out}`);
};
const handlers = Object.fromEntries([handle(trivial, body), handle(query, body)]);

async function measure(spec: CommandSpec, label: string | null, withNoise: boolean): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'agentdeck-bench-orch-'));
  const state = openState(root);
  const bus = createBus({ state });
  const engine = createEngine({ root, state, bus, approvalCheckMs: 0, extra: { specs: [trivial, query], handlers } });
  // Another agent logging as fast as the event loop lets it, while the runs go on.
  let noisy = withNoise;
  let noise = 0;
  const noiseLoop = (async () => {
    while (noisy) {
      for (let i = 0; i < 50; i++) bus.emit({ agent: 'bughunter', kind: 'log', level: 'info', message: `scanning file ${noise++}` });
      await new Promise((r) => setImmediate(r));
    }
  })();
  const persistedBefore = bus.persisted;
  const t0 = performance.now();
  for (let n = 0; n < RUNS; n++) {
    const r = await engine.dispatch({ spec, id: spec.id, args: { n }, raw: `${spec.id} ${n}` }, { initiator: 'bench' });
    if (!r.ok) throw new Error(r.message);
  }
  noisy = false;
  await noiseLoop;
  bus.flush();
  const secs = (performance.now() - t0) / 1000;
  const rate = RUNS / secs;
  const appended = bus.persisted - persistedBefore;
  if (label) console.log(`${label}: ${fmt(rate)} runs/s (${fmt(RUNS)} in ${secs.toFixed(2)} s)`);
  if (label && withNoise) console.log(`  event append while they run: ${fmt(appended / secs)} events/s (${fmt(appended)} events, ${fmt(countEvents(state))} in the db)`);
  engine.close();
  bus.close();
  state.close();
  rmSync(root, { recursive: true, force: true });
  return rate;
}

// A warm-up pass so the first measured figure is not paying for compilation.
await measure(trivial, null, true);
const queries = await measure(query, 'trivial query commands (no run)', false);
const runs = await measure(trivial, 'trivial durable runs (run row, 1 step, events, audit)', false);
const busy = await measure(trivial, 'trivial durable runs with another agent logging', true);
console.log(`durable run overhead: a run costs ${(queries / runs).toFixed(1)}x a query (${(queries / busy).toFixed(1)}x with another agent logging alongside)`);
