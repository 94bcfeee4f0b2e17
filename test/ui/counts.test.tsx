// One source of each number: the header, the agents pane, the queue pane, the quit dialog and
// `status` count the same things, and an agent whose run ended (however) rests.
import { describe, expect, test } from 'vitest';
import { ApprovalPending } from '../../src/agents/types.js';
import { KEYS, plain, waitFor } from './harness.js';
import { useMounts, type Mounted } from './mount.js';

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
    const ctx = m.t.engine.context({ agent: 'stage', run: true, ticketId: 'BUG-2026-001', line: 'deploy production --ticket BUG-2026-001' });
    await expect(
      ctx.requireApproval({ tool: 'deploy', args: { env: 'production' }, target: 'production', summary: 'Deploy BUG-2026-001 to production', confirmText: 'BUG-2026-001' }),
    ).rejects.toBeInstanceOf(ApprovalPending);
    // Read back from the state db, as a run started by another process is.
    await m.press('R');
    m.flush();
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
