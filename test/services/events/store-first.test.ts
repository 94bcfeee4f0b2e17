// An event is queued before its subscribers see it: a subscriber that flushes (run's printer)
// finds the event it is about to print already in the state db.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBus } from '../../../src/services/events/bus.js';
import { openState, type StateDb } from '../../../src/services/state/db.js';
import { tempDir } from '../../helpers/tmp.js';

let dir: string;
let cleanup: () => void;
let state: StateDb;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('agentdeck-storefirst-'));
  state = openState(dir);
});
afterEach(() => {
  state.close();
  cleanup();
});

describe('the bus stores before it shows', () => {
  it('a subscriber that flushes finds the event it sees stored, in order', () => {
    const bus = createBus({ state, flushMs: 60_000 });
    const seen: string[][] = [];
    bus.subscribe(() => {
      bus.flush();
      seen.push((state.db.prepare('SELECT message FROM events ORDER BY id').all() as { message: string }[]).map((r) => r.message));
    });
    bus.emit({ agent: 'stage', kind: 'log', level: 'info', message: 'first' });
    bus.emit({ agent: 'stage', kind: 'log', level: 'info', message: 'second' });
    expect(seen).toEqual([['first'], ['first', 'second']]);
    expect(bus.persisted).toBe(2);
    bus.close();
  });

  it('without a flush, events still wait for the batch', () => {
    const bus = createBus({ state, flushMs: 60_000 });
    bus.emit({ agent: 'stage', kind: 'log', level: 'info', message: 'later' });
    expect(state.db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 0 });
    bus.close();
    expect(state.db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
  });
});
