// Batched event append throughput into the state db, against one transaction per event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus } from '../src/services/events/bus.js';
import { openState } from '../src/services/state/db.js';
import { appendEvents, countEvents } from '../src/services/state/events.js';
import { connectStore, createDeckStore } from '../src/store/index.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function measure(label: string, n: number, body: (root: string) => void): number {
  const root = mkdtempSync(join(tmpdir(), 'agentdeck-bench-'));
  try {
    const t0 = performance.now();
    body(root);
    const secs = (performance.now() - t0) / 1000;
    const rate = n / secs;
    console.log(`${label}: ${fmt(rate)} events/s (${fmt(n)} events in ${secs.toFixed(2)} s)`);
    return rate;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const N = 200_000;
const batched = measure('batched append through the bus (secrets redacted, store fed)', N, (root) => {
  const state = openState(root);
  const bus = createBus({ state, secrets: ['sbp_0123456789abcdef0123', 'a-service-role-key'], maxBatch: 1000 });
  const store = createDeckStore();
  const ing = connectStore(store, bus, { flushMs: 100 });
  for (let i = 0; i < N; i++) bus.emit({ agent: 'bughunter', kind: 'log', level: 'info', message: `scanned file src/app/page-${i}.tsx: 0 findings` });
  bus.close();
  ing.stop();
  if (countEvents(state) !== N) throw new Error('events lost');
  state.close();
});

const M = 5_000;
const single = measure('one transaction per event (baseline)', M, (root) => {
  const state = openState(root);
  for (let i = 0; i < M; i++) appendEvents(state, [{ id: i, ts: Date.now(), agent: 'bughunter', kind: 'log', level: 'info', message: `line ${i}` }]);
  state.close();
});
console.log(`batched / per-event ratio: ${(batched / single).toFixed(1)}x`);
