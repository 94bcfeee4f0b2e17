// The dashboard keeps echoing keys while a 2-second query runs in the PGlite worker: the real
// dashboard (Ink renderer, engine, store) and a real PGlite in its worker thread, in one process.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPglite, type PgliteDb } from '../../../src/services/postgres/index.js';
import { plain, waitFor } from '../../ui/harness.js';
import { mountDashboard, type Mounted } from '../../ui/mount.js';

let db: PgliteDb;
let m: Mounted;

beforeAll(async () => {
  db = openPglite();
  await db.query('select 1'); // started before the clock runs
  m = mountDashboard();
});

afterAll(async () => {
  m?.cleanup();
  await db?.close();
});

it('echoes every key typed while select pg_sleep(2) runs in the worker', async () => {
  let finished = false;
  const started = Date.now();
  const query = db.query('select pg_sleep(2)').then(() => (finished = true));
  const typed = 'migrate status';
  await m.press(':'); // opens the prompt line
  for (const ch of typed) await m.press(ch);
  await waitFor(() => expect(plain(m.lastFrame())).toContain(typed));
  const echoedAt = Date.now() - started;
  // Every key reached the screen before the query ended.
  expect(finished).toBe(false);
  expect(echoedAt).toBeLessThan(2000);
  await query;
  expect(finished).toBe(true);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
});
