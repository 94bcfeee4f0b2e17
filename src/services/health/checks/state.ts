// The console's own state db: opens (migrating when needed) and passes SQLite's quick check. The
// quick check reads every page: on a long history (a 200 MB db) it takes seconds of CPU, so it
// runs on a worker thread with its own read-only connection, and the dashboard that asked keeps
// answering keys meanwhile.
import { Worker } from 'node:worker_threads';
import { openState } from '../../state/db.js';
import { failing, ok, type HealthCheck } from '../types.js';

// Plain CommonJS for an eval worker: the bundle has no separate worker file for it.
const QUICK_CHECK = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
let db;
try {
  db = new DatabaseSync(workerData.path, { readOnly: true });
  const row = db.prepare('PRAGMA quick_check').get();
  parentPort.postMessage({ result: row ? row.quick_check : null });
} catch (err) {
  parentPort.postMessage({ error: String(err && err.message ? err.message : err) });
} finally {
  if (db) db.close();
}
`;

/** SQLite's quick check of the db at `path`, off the main thread: "ok", or what it found. */
export function quickCheck(path: string): Promise<string> {
  return new Promise((resolve) => {
    const worker = new Worker(QUICK_CHECK, { eval: true, workerData: { path } });
    worker.once('message', (m: { result?: string | null; error?: string }) => {
      resolve(m.error !== undefined ? `quick_check could not run: ${m.error}` : (m.result ?? 'quick_check gave no answer'));
      void worker.terminate();
    });
    worker.once('error', (err) => resolve(`quick_check could not run: ${err.message}`));
  });
}

export const stateCheck: HealthCheck = {
  id: 'state',
  label: 'State db',
  async run({ target }) {
    let path: string;
    let n: number;
    try {
      // Opening migrates a db written by an older version; then the connection is not needed.
      const state = openState(target.root);
      try {
        path = state.path;
        n = (state.db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;
      } finally {
        state.close();
      }
    } catch (err) {
      return failing(`cannot open the state db: ${(err as Error).message}`);
    }
    const check = await quickCheck(path);
    if (check !== 'ok') return failing(`${path}: ${check}`);
    return ok(`${path} (${n} ticket${n === 1 ? '' : 's'})`);
  },
};
