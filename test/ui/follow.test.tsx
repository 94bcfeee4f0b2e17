// Work started elsewhere shows as it happens: a ticket filed and lines written by `agentdeck run`
// in another process appear in the running dashboard without R, each line once, and a dashboard
// that nobody else writes to reads nothing but SQLite's data_version.
import { beforeAll, describe, expect, test } from 'vitest';
import { openState } from '../../src/services/state/db.js';
import { appendEvents } from '../../src/services/state/events.js';
import { buildIfStale, runBinary } from '../helpers/binary.js';
import { plain, waitFor } from './harness.js';
import { useMounts, type Mounted } from './mount.js';

const mount = useMounts();
const screen = (m: Mounted): string => plain(m.lastFrame());
const linesSaying = (m: Mounted, text: string): number => m.store.getState().logs.filter((l) => l.message.includes(text)).length;

describe('the dashboard follows the state db', { timeout: 60_000 }, () => {
  beforeAll(() => buildIfStale(), 120_000);

  test('a ticket filed by `agentdeck run` in another process shows in the queue without R, and every line once', async () => {
    const m = mount({ follow: true });
    // This process writes too: its own lines must not come back a second time through the db.
    await m.controller.run('create ticket "Pipeline board loads slowly" --kind bug');
    const r = await runBinary(['run', 'create ticket "Estimates vanish after save" --kind bug'], m.t.root);
    expect(r.code).toBe(0);
    await waitFor(() => expect(screen(m)).toContain('Estimates vanish after save'), 10_000);
    expect(screen(m)).toContain('Pipeline board loads slowly');
    expect(m.store.getState().tickets.map((t) => t.title).sort()).toEqual(['Estimates vanish after save', 'Pipeline board loads slowly']);
    // The other process's announcement arrived, once; this process's own, once.
    await waitFor(() => expect(linesSaying(m, 'BUG-2026-002')).toBeGreaterThan(0));
    const local = m.store.getState().logs.filter((l) => l.message.includes('BUG-2026-001')).map((l) => l.message);
    const remote = m.store.getState().logs.filter((l) => l.message.includes('BUG-2026-002')).map((l) => l.message);
    expect(new Set(local).size).toBe(local.length);
    expect(new Set(remote).size).toBe(remote.length);
    // Ids stay unique and increasing, as the log pane's selection and filter rely on.
    const ids = m.store.getState().logs.map((l) => l.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('idle, and while only this process writes, the follower reads nothing; a commit elsewhere is read once', async () => {
    const m = mount({ follow: true });
    m.follower!.stop();
    expect(m.follower!.poll()).toBe(false);
    await m.controller.run('create ticket "Only here" --kind bug');
    m.t.bus.flush();
    expect(m.follower!.poll()).toBe(false);
    expect(m.follower!.reads).toBe(0);
    // Another connection commits (as another process's bus does).
    const other = openState(m.t.root);
    try {
      appendEvents(other, [{ id: 0, ts: Date.now(), agent: 'stage', kind: 'log', level: 'info', message: 'written by another console' }]);
    } finally {
      other.close();
    }
    expect(m.follower!.poll()).toBe(true);
    expect(m.follower!.poll()).toBe(false);
    expect(m.follower!.reads).toBe(1);
    expect(linesSaying(m, 'written by another console')).toBe(1);
    await waitFor(() => expect(screen(m)).toContain('written by another console'));
  });

  test('a burst from elsewhere is taken over several polls, in order, none lost', async () => {
    const m = mount({ follow: true });
    m.follower!.stop();
    const other = openState(m.t.root);
    try {
      const burst = Array.from({ length: 12_000 }, (_, i) => ({ id: 0, ts: Date.now(), agent: 'migrator' as const, kind: 'log' as const, level: 'info' as const, message: `line ${i}` }));
      appendEvents(other, burst);
    } finally {
      other.close();
    }
    let polls = 0;
    while (m.follower!.poll()) polls++;
    // 5,000 per poll by default: three polls for 12,000 lines.
    expect(polls).toBe(3);
    expect(m.store.getState().logTotal).toBeGreaterThanOrEqual(12_000);
    const last = m.store.getState().logs.at(-1)?.message;
    expect(last).toBe('line 11999');
  });
});
