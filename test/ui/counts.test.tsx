// One source of each number: the header, the agents pane, the queue pane, the quit dialog and
// `status` count the same things, and an agent whose run ended (however) rests.
import { describe, expect, test } from 'vitest';
import { queryEvents } from '../../src/services/state/events.js';
import { KEYS, plain, waitFor } from './harness.js';
import { pendingDeployApproval, useMounts, type Mounted } from './mount.js';

const mount = useMounts();
const screen = (m: Mounted): string => plain(m.lastFrame());
const header = (m: Mounted): string => screen(m).split('\n')[0] ?? '';

async function statusJson(m: Mounted): Promise<{ agents: { agent: string; state: string }[]; runs: unknown[] }> {
  const r = await m.t.engine.dispatch('status --output json', { initiator: 'you' });
  return r.data as { agents: { agent: string; state: string }[]; runs: unknown[] };
}

describe('counts agree', () => {
  test('a run that ends needs_model leaves its agent idle, saying so, and nothing counts it active', async () => {
    const m = mount();
    await m.controller.run('create ticket "Estimate totals are wrong" --kind bug');
    const r = await m.controller.run('analyze ticket BUG-2026-001');
    expect(r?.status).toBe('needs_model');
    m.flush();
    await waitFor(() => expect(screen(m)).toMatch(/BugHunter\s+idle\s+last run needs model/));
    expect(header(m)).toContain('Active agents 0/6');
    const status = await statusJson(m);
    expect(status.agents).toHaveLength(6);
    expect(status.agents.filter((a) => a.state !== 'idle')).toHaveLength(0);
    // Nothing is active: q quits without asking.
    await m.press('q');
    expect(m.ui.getState().dialog).toBeNull();
    expect(m.exitCode()).toBe(0);
  });

  test('a run waiting for an approval counts once, in the header, the agents pane, status and the queue', async () => {
    const m = mount();
    await m.controller.run('create ticket "Ship the estimate fix" --kind bug');
    // A run asking for an approval, as a deploy to production does.
    await pendingDeployApproval(m, 'BUG-2026-001');
    const status = await statusJson(m);
    const busy = status.agents.filter((a) => a.state !== 'idle');
    await waitFor(() => expect(header(m)).toContain(`Active agents ${busy.length}/6`));
    expect(busy.map((a) => a.agent)).toEqual(['stage']);
    expect(screen(m)).toMatch(/StageAgent\s+approval\?/);
    // The header's Queue is the queue pane's "open" count.
    const queue = /Queue (\d+)/.exec(header(m))?.[1];
    expect(screen(m)).toContain(`${queue} open`);
    // A run waiting for a person is not interrupted by quitting: no "runs are active" dialog.
    await m.press('q');
    expect(m.ui.getState().dialog).toBeNull();
    await m.press(KEYS.esc);
  });
});

describe('history on start', () => {
  test('Recent activity starts from what the state db holds, once, newest first', async () => {
    const first = mount();
    first.t.bus.emit({ agent: 'stage', kind: 'log', level: 'success', message: 'Deployed BUG-2026-001 to staging' });
    first.t.bus.emit({ agent: 'stage', kind: 'log', level: 'info', message: 'an ordinary line' });
    first.t.bus.emit({ agent: 'stage', kind: 'log', level: 'warn', message: 'Rolled back BUG-2026-001 on staging' });
    first.flush();
    await waitFor(() => expect(queryEvents(first.t.state, { levels: ['warn'] }).map((e) => e.message)).toContain('Rolled back BUG-2026-001 on staging'));
    // A second dashboard over the same project: its activity comes from the stored events.
    const second = mount({ root: first.t.root });
    await waitFor(() => expect(screen(second)).toContain('Rolled back BUG-2026-001'));
    const activity = second.store.getState().activity.map((a) => a.text);
    expect(activity.slice(0, 2)).toEqual(['Rolled back BUG-2026-001 on staging', 'Deployed BUG-2026-001 to staging']);
    expect(activity).not.toContain('an ordinary line');
    // A refresh does not load it again.
    await second.press('R');
    expect(second.store.getState().activity.filter((a) => a.text.startsWith('Deployed BUG-2026-001'))).toHaveLength(1);
  });
});
