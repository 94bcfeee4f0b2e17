import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openSession, type Session } from '../../src/cli/session.js';
import { loadProject } from '../../src/services/config/project.js';
import { tempDir } from '../helpers/tmp.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function open(deferNotifications: boolean): Promise<{ session: Session; root: string }> {
  const { dir: root, cleanup } = tempDir();
  cleanups.push(cleanup);
  const session = await openSession(loadProject(root, {}), { deferNotifications, emailWaitMs: 2000 });
  return { session, root };
}

const emlFiles = (root: string): string[] => {
  const dir = join(root, '.agentdeck', 'outbox');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
};

test('a deferred notifier sends nothing until it is started, then mails what the commands ask for', async () => {
  const { session, root } = await open(true);
  // Before the notifier runs, an email command still queues durably in the outbox.
  const first = await session.engine.dispatch('email "before the notifier"', { initiator: 'you' });
  expect(first.ok).toBe(true);
  await session.startNotifications();
  await session.startNotifications(); // idempotent
  const second = await session.engine.dispatch('email "after the notifier"', { initiator: 'you' });
  expect(second.ok).toBe(true);
  await session.close();
  await session.startNotifications(); // after close: nothing happens, nothing throws
  expect(emlFiles(root).length).toBeGreaterThanOrEqual(2);
});

test('a session closes cleanly when its notifier never started', async () => {
  const { session } = await open(true);
  await session.close();
  expect(session.state.db.isOpen).toBe(false);
});

test("a failed run's email is written in the same transaction as the run's end", async () => {
  const { session } = await open(false);
  const { state } = session;
  // Watch every outermost transaction: the failed runs and run_failed emails before and after it.
  const count = (): [number, number] => [
    (state.db.prepare("SELECT count(*) AS n FROM runs WHERE status = 'failed'").get() as { n: number }).n,
    (state.db.prepare("SELECT count(*) AS n FROM outbox WHERE reason = 'run_failed'").get() as { n: number }).n,
  ];
  const seen: { before: [number, number]; after: [number, number] }[] = [];
  const real = state.tx;
  let depth = 0;
  Object.assign(state, {
    tx: <T>(fn: () => T): T => {
      if (depth > 0) return fn();
      depth++;
      try {
        const before = count();
        const out = real(fn);
        seen.push({ before, after: count() });
        return out;
      } finally {
        depth--;
      }
    },
  });
  const r = await session.engine.dispatch('rollback TASK-2026-999', { initiator: 'you' });
  expect(r.status).toBe('failed');
  Object.assign(state, { tx: real });
  // The run's end and its email came in one transaction; no later one added the email.
  expect(seen.filter((t) => t.after[0] > t.before[0])).toEqual([{ before: [0, 0], after: [1, 1] }]);
  expect(seen.filter((t) => t.after[1] > t.before[1])).toHaveLength(1);
  await session.close();
});
