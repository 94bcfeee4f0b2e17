// The one event bus. Every agent event passes here once: it gets an id and a timestamp, its
// secrets are redacted, subscribers (the store, the plain logger, `run`'s printer, the email
// notifier) see it synchronously, and it is appended to the state db in batches.
import type { StateDb } from '../state/db.js';
import { appendEvents, maxEventId } from '../state/events.js';
import { createRedactor, redactDeep, type Redactor } from '../secrets/redact.js';
import type { AgentEvent, AgentEventInput } from './types.js';

export type Subscriber = (event: AgentEvent) => void;

export interface EventBus {
  emit(input: AgentEventInput): AgentEvent;
  subscribe(fn: Subscriber): () => void;
  /** Writes the pending batch (the event being delivered included) to the state db now. */
  flush(): void;
  /** Flushes and stops the timer; further events are still delivered to subscribers. */
  close(): void;
  readonly redact: Redactor;
  /** Events appended to the db by this bus so far. */
  readonly persisted: number;
  /**
   * The db row ids of events this bus stored from now on, for a reader of the db that must skip
   * what this process wrote itself (the dashboard's follower). Tracking starts at the first call.
   */
  ownRows(): OwnRows;
  /**
   * Reserves `n` ids in this bus's sequence and returns the first: events read from the db (written
   * by other processes) take them, so the store keeps one increasing order of unique ids.
   */
  reserveIds(n: number): number;
}

export interface OwnRows {
  has(rowId: number): boolean;
  /** Forgets rows up to and including `rowId` (they will not be read again). */
  forgetUpTo(rowId: number): void;
}

export interface BusOptions {
  readonly state?: StateDb;
  /** Values to redact (configured credentials). */
  readonly secrets?: readonly string[];
  /** How often the pending batch is written (ms). */
  readonly flushMs?: number;
  /** A batch this large is written at once. */
  readonly maxBatch?: number;
}

export function createBus(options: BusOptions = {}): EventBus {
  const own = createRedactor(options.secrets ?? []);
  // With a state db, the db's redaction too: what the bus hands the audit and the events table
  // is then already what the db stores, so hashes hold and nothing is left to redact on the way in.
  const { state } = options;
  const redact: Redactor = state ? (text) => state.redact(own(text)) : own;
  const subscribers = new Set<Subscriber>();
  const flushMs = options.flushMs ?? 50;
  const maxBatch = options.maxBatch ?? 1000;
  let pending: AgentEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  // Ids continue after the newest stored event, so lines loaded from the db and live lines keep
  // one increasing order in the store (the log pane, its filter and the plain logger rely on it).
  let nextId = options.state ? maxEventId(options.state) + 1 : 1;
  let persisted = 0;
  let closed = false;
  let ownRowIds: Set<number> | null = null;

  const flush = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (!options.state || pending.length === 0) {
      pending = [];
      return;
    }
    const batch = pending;
    pending = [];
    if (!options.state.db.isOpen) return;
    const rowIds = appendEvents(options.state, batch);
    if (ownRowIds) for (const id of rowIds) ownRowIds.add(id);
    persisted += batch.length;
  };

  return {
    redact,
    get persisted() {
      return persisted;
    },
    emit(input) {
      const event: AgentEvent = {
        ...input,
        id: nextId++,
        ts: input.ts ?? Date.now(),
        message: redact(input.message),
        data: input.data ? redactDeep(input.data, redact) : undefined,
      };
      // Queued before subscribers see it, so a subscriber that must not show an unstored event
      // (`run`'s printer) can flush first.
      if (options.state) pending.push(event);
      for (const fn of subscribers) {
        try {
          fn(event);
        } catch {
          // A failing subscriber must not stop the others or the agent that emitted.
        }
      }
      if (options.state && pending.length > 0) {
        if (pending.length >= maxBatch) flush();
        else if (!timer && !closed) {
          timer = setTimeout(flush, flushMs);
          timer.unref();
        }
      }
      return event;
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    flush,
    ownRows() {
      const rows = (ownRowIds ??= new Set());
      return {
        has: (id) => rows.has(id),
        forgetUpTo(max) {
          for (const id of rows) if (id <= max) rows.delete(id);
        },
      };
    },
    reserveIds(n) {
      const first = nextId;
      nextId += n;
      return first;
    },
    close() {
      closed = true;
      flush();
    },
  };
}
