import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBus } from '../../src/services/events/bus.js';
import { openState, type StateDb } from '../../src/services/state/db.js';
import { appendEvents } from '../../src/services/state/events.js';
import { createTicket } from '../../src/services/state/tickets.js';
import { HISTORY_WINDOW } from '../../src/store/hydrate.js';
import { applyEvents, connectStore, createDeckStore, hydrate, initialState, Ring, selectActiveAgentCount, selectActiveRuns } from '../../src/store/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('ring buffer', () => {
  it('keeps the newest items up to its capacity', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.size).toBe(3);
    expect(r.total).toBe(5);
    r.clear();
    expect(r.toArray()).toEqual([]);
    expect(() => new Ring(0)).toThrow(/capacity/);
  });
});

describe('store', () => {
  it('batches bus events into one update per flush', () => {
    const bus = createBus();
    const store = createDeckStore();
    let updates = 0;
    store.subscribe(() => updates++);
    const ing = connectStore(store, bus, { flushMs: 60_000, logCapacity: 100 });
    for (let i = 0; i < 250; i++) bus.emit({ agent: 'bughunter', kind: 'log', level: i % 50 === 0 ? 'success' : 'info', message: `line ${i}` });
    expect(store.getState().logs).toHaveLength(0);
    ing.flush();
    expect(updates).toBe(1);
    const s = store.getState();
    expect(s.logs).toHaveLength(100);
    expect(s.logs[99]?.message).toBe('line 249');
    expect(s.logTotal).toBe(250);
    expect(s.activity.map((a) => a.text)).toEqual(['line 200', 'line 150', 'line 100', 'line 50', 'line 0']);
    ing.flush();
    expect(updates).toBe(1); // nothing new, no update
    ing.stop();
  });

  it('hands the panes the same log and activity arrays while nothing new arrived for them', () => {
    const bus = createBus();
    const store = createDeckStore();
    const ing = connectStore(store, bus, { flushMs: 60_000 });
    bus.emit({ agent: 'ops', kind: 'log', level: 'success', message: 'a line' });
    ing.flush();
    const { logs, activity } = store.getState();
    bus.emit({ agent: 'ops', kind: 'health', level: 'info', message: '', data: { checks: [] } });
    ing.flush();
    expect(store.getState().logs).toBe(logs);
    expect(store.getState().activity).toBe(activity);
    expect(store.getState().health).toEqual([]);
    bus.emit({ agent: 'ops', kind: 'log', level: 'info', message: 'another' });
    ing.flush();
    expect(store.getState().logs).not.toBe(logs);
    ing.stop();
  });

  it('follows tickets, runs, steps, agents, approvals, deployments and health', () => {
    const s0 = initialState();
    const ev = (kind: string, data: Record<string, unknown>, agent = 'orchestrator') =>
      ({ id: 0, ts: 1000, agent, kind, level: 'info', message: '', data }) as never;
    const s1 = applyEvents(s0, [
      ev('ticket', { ticket: { id: 'BUG-2026-001', kind: 'BUG', title: 't', status: 'open', priority: 'high' } }),
      ev('run', { run: { id: 'R1', status: 'running', line: 'fix ticket BUG-2026-001', ticketId: 'BUG-2026-001' } }),
      ev('step', { step: { runId: 'R1', key: 'k', name: 'scan', phase: 'ANALYZE', status: 'running', agent: 'bughunter' } }),
      ev('step', { step: { runId: 'nope', key: 'k', name: 'scan', phase: 'ANALYZE', status: 'running', agent: 'bughunter' } }),
      ev('agent', { instance: 'bughunter-1', state: 'working', runId: 'R1', step: 'scan', phase: 'ANALYZE' }, 'bughunter'),
      ev('approval', { approval: { id: 'A1', summary: 'deploy', status: 'pending', target: 'production', tool: 'deploy' } }),
      ev('approval', { approval: { id: 'A2', summary: 'x', status: 'pending', target: 'local', tool: 'x' } }),
      ev('approval', { approval: { id: 'A2', summary: 'x', status: 'approved', target: 'local', tool: 'x' } }),
      ev('deployment', { deployment: { id: 'D1', env: 'staging', status: 'done', ts: 900 } }),
      ev('health', { checks: [{ name: 'state db', status: 'ok' }] }),
      ev('log', {}),
    ]);
    expect(s1.tickets[0]?.id).toBe('BUG-2026-001');
    expect(s1.runs[0]).toMatchObject({ id: 'R1', phase: 'ANALYZE' });
    expect(s1.agents.bughunter).toMatchObject({ state: 'working', instance: 'bughunter-1', runId: 'R1' });
    expect(selectActiveAgentCount(s1)).toBe(1);
    expect(s1.approvals.map((a) => a.id)).toEqual(['A1']);
    expect(s1.lastDeployment?.id).toBe('D1');
    expect(s1.health).toEqual([{ name: 'state db', status: 'ok' }]);
    expect(selectActiveRuns(s1)).toHaveLength(1);
    const s2 = applyEvents(s1, [
      ev('run', { run: { id: 'R1', status: 'done', line: 'fix ticket BUG-2026-001' } }),
      ev('agent', { instance: 'bughunter-1', state: 'done' }, 'bughunter'),
    ]);
    expect(selectActiveRuns(s2)).toHaveLength(0);
    expect(s2.agents.bughunter.state).toBe('idle');
    expect(applyEvents(s2, [])).toBe(s2);
  });

  describe('hydrate', () => {
    let root: string;
    let cleanup: () => void;
    let state: StateDb;
    beforeEach(() => {
      ({ dir: root, cleanup } = tempDir());
      state = openState(root);
    });
    afterEach(() => {
      state.close();
      cleanup();
    });

    it('loads tickets, runs, pending approvals, the last deployment and recent logs from the db', () => {
      const t = createTicket(state, { kind: 'BUG', title: 'login page returns 500' });
      const now = new Date().toISOString();
      state.db.prepare("INSERT INTO runs (id, line, agent, status, initiator, created_at, updated_at) VALUES ('R1', 'status', 'orchestrator', 'running', 'you', ?, ?)").run(now, now);
      state.db
        .prepare("INSERT INTO approvals (id, tool, action_json, action_hash, summary, target, requested_by, requested_at) VALUES ('A1', 'deploy', '{}', 'h', 'deploy prod', 'production', 'you', ?)")
        .run(now);
      state.db.prepare("INSERT INTO deployments (id, env, status, created_at) VALUES ('D1', 'staging', 'done', ?)").run(now);
      appendEvents(state, [{ id: 1, ts: 1, agent: 'stage', kind: 'log', level: 'info', message: 'hello' }]);
      const store = createDeckStore();
      hydrate(store, state);
      const s = store.getState();
      expect(s.tickets.map((x) => x.id)).toEqual([t.id]);
      expect(s.runs.map((x) => x.id)).toEqual(['R1']);
      expect(s.approvals.map((x) => x.id)).toEqual(['A1']);
      expect(s.lastDeployment?.id).toBe('D1');
      expect(s.logs.map((l) => l.message)).toEqual(['hello']);
    });

    it('reads at most the newest HISTORY_WINDOW events at start, however long the history', () => {
      const at = (level: 'success' | 'debug', message: string) => ({ id: 0, ts: 1, agent: 'stage' as const, kind: 'progress' as const, level, message });
      appendEvents(state, [{ ...at('success', 'Deployed to staging long ago'), kind: 'deployment' as const }]);
      appendEvents(state, Array.from({ length: HISTORY_WINDOW }, (_, i) => at('debug', `tick ${i}`)));
      const store = createDeckStore();
      hydrate(store, state);
      // The old success lies beyond the window: start-up did not walk back to it.
      expect(store.getState().activity).toEqual([]);
      appendEvents(state, [{ ...at('success', 'Deployed to production'), kind: 'deployment' as const }]);
      const again = createDeckStore();
      hydrate(again, state);
      expect(again.getState().activity.map((a) => a.text)).toEqual(['Deployed to production']);
    });
  });
});
