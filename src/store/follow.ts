// Follows the state db for what other processes write: `agentdeck run`, `agentdeck mcp` (Claude
// Code) and other consoles of the project. SQLite's `PRAGMA data_version` changes only when another
// connection commits, so while nothing happens elsewhere a poll costs one pragma and reads nothing.
// When it changes, the events stored since the last read are taken into the store through the
// same path as this process's own bus events, each once: rows this process wrote itself are
// skipped by their row ids, and the tables the panes show are read again when something other
// than log lines changed (a ticket, a run, an approval decided elsewhere).
import type { EventBus } from '../services/events/bus.js';
import type { StateDb } from '../services/state/db.js';
import { eventsAfter, maxEventId } from '../services/state/events.js';
import { hydrateTables } from './hydrate.js';
import type { DeckStore, Ingestion } from './store.js';

export interface FollowOptions {
  readonly state: StateDb;
  readonly store: DeckStore;
  readonly ingestion: Pick<Ingestion, 'ingest' | 'flush'>;
  readonly bus: Pick<EventBus, 'ownRows' | 'reserveIds'>;
  /** How often the db is asked whether another process committed (ms; default 150). */
  readonly intervalMs?: number;
  /**
   * The most events taken in one poll: a burst from elsewhere is taken over several polls, so no
   * poll holds the keyboard up for long.
   */
  readonly maxPerPoll?: number;
}

export interface Follower {
  /** Checks now; true when something written elsewhere was read. */
  poll(): boolean;
  /** Reads of the db beyond the data_version pragma, so far (tests: idle costs nothing). */
  readonly reads: number;
  stop(): void;
}

const PAGE = 500;

export function startFollower(options: FollowOptions): Follower {
  const { state, store, ingestion, bus } = options;
  const maxPerPoll = options.maxPerPoll ?? 5000;
  const dataVersion = state.stmt('PRAGMA data_version');
  const version = (): number => (dataVersion.get() as { data_version: number }).data_version;
  const own = bus.ownRows();
  let seen = version();
  let watermark = maxEventId(state);
  // Set when a poll stopped at maxPerPoll: the next one reads on without a new commit.
  let behind = false;
  let reads = 0;

  const poll = (): boolean => {
    if (!state.db.isOpen) return false;
    const now = version();
    if (now === seen && !behind) return false;
    seen = now;
    behind = false;
    reads++;
    let taken = 0;
    let foreignTaken = 0;
    let tablesChanged = false;
    for (;;) {
      const rows = eventsAfter(state, watermark, Math.min(PAGE, maxPerPoll - taken));
      if (rows.length === 0) break;
      watermark = rows[rows.length - 1]!.id;
      taken += rows.length;
      const foreign = rows.filter((e) => !own.has(e.id));
      foreignTaken += foreign.length;
      if (foreign.length > 0) {
        const first = bus.reserveIds(foreign.length);
        ingestion.ingest(foreign.map((e, i) => ({ ...e, id: first + i })));
        tablesChanged ||= foreign.some((e) => e.kind !== 'log' && e.kind !== 'output');
      }
      if (taken >= maxPerPoll) {
        behind = true;
        break;
      }
    }
    own.forgetUpTo(watermark);
    ingestion.flush();
    // A commit that stored no event (an approval decided, a ticket closed) changed a table.
    if (tablesChanged || foreignTaken === 0) hydrateTables(store, state);
    return true;
  };

  const timer = setInterval(() => {
    try {
      poll();
    } catch {
      // A db closing under the timer, or a read that failed: the next poll tries again; the
      // dashboard itself must not fall over for it.
    }
  }, options.intervalMs ?? 150);
  timer.unref();
  return {
    poll,
    get reads() {
      return reads;
    },
    stop: () => clearInterval(timer),
  };
}
