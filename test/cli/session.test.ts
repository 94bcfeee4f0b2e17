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
