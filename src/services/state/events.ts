// The events table: every AgentEvent, appended in batches by the bus.
import type { AgentEvent, Level } from '../events/types.js';
import type { StateDb } from './db.js';
import { parseJson } from './db.js';

/** Appends events; returns the row ids the db gave them (the follower tells its own rows by them). */
export function appendEvents(state: StateDb, events: readonly AgentEvent[]): number[] {
  const ids: number[] = [];
  if (events.length === 0) return ids;
  state.tx(() => {
    const insert = state.stmt(
      'INSERT INTO events (ts, run_id, ticket_id, agent, instance, kind, level, message, data_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const e of events) {
      const r = insert.run(e.ts, e.runId ?? null, e.ticketId ?? null, e.agent, e.instance ?? null, e.kind, e.level, e.message, e.data ? JSON.stringify(e.data) : null);
      ids.push(Number(r.lastInsertRowid));
    }
  });
  return ids;
}

/** Events stored after row `afterId`, oldest first, at most `limit` (the follower's read). */
export function eventsAfter(state: StateDb, afterId: number, limit: number): AgentEvent[] {
  const rows = state.stmt('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as unknown as Row[];
  return rows.map(toEvent);
}

const LEVEL_RANK: Record<Level, number> = { debug: 0, info: 1, success: 1, warn: 2, error: 3 };

export function levelAtLeast(level: Level, min: Level): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[min];
}

export interface EventQuery {
  readonly agent?: string;
  readonly runId?: string;
  readonly ticketId?: string;
  readonly minLevel?: Level;
  /** Exactly these levels (Recent activity: success, warn, error). */
  readonly levels?: readonly Level[];
  readonly kinds?: readonly string[];
  readonly limit?: number;
  readonly olderThanMs?: number;
  /** Only rows after this id: bounds how far back a search for rare rows reads. */
  readonly afterId?: number;
  /** Only rows before this id: the next older page of a search. */
  readonly beforeId?: number;
  /** Only these agents. */
  readonly agents?: readonly string[];
  /** Only events with a message (what the log pane shows). */
  readonly said?: boolean;
  /**
   * Every word must appear in the line as shown (`[TAG] ✓ message`): in the message (any ASCII
   * case), or in the agent's tag (`agents`) or the level's mark (`levels`) of that word.
   */
  readonly words?: readonly EventWord[];
}

export interface EventWord {
  readonly text: string;
  readonly agents: readonly string[];
  readonly levels: readonly string[];
}

/** `column IN (?, ?, ...)` for `values`. */
const inList = (column: string, values: readonly unknown[]): string => `${column} IN (${values.map(() => '?').join(', ')})`;

const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

interface Row {
  id: number;
  ts: number;
  run_id: string | null;
  ticket_id: string | null;
  agent: string;
  instance: string | null;
  kind: string;
  level: string;
  message: string;
  data_json: string | null;
}

/** The newest matching events, returned oldest first. */
export function queryEvents(state: StateDb, q: EventQuery = {}): AgentEvent[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.agent) {
    where.push('agent = ?');
    params.push(q.agent);
  }
  if (q.runId) {
    where.push('run_id = ?');
    params.push(q.runId);
  }
  if (q.ticketId !== undefined) {
    where.push('ticket_id = ?');
    params.push(q.ticketId);
  }
  if (q.minLevel) {
    const levels = (Object.keys(LEVEL_RANK) as Level[]).filter((l) => levelAtLeast(l, q.minLevel as Level));
    where.push(inList('level', levels));
    params.push(...levels);
  }
  if (q.levels && q.levels.length > 0) {
    where.push(inList('level', q.levels));
    params.push(...q.levels);
  }
  if (q.afterId !== undefined && q.afterId > 0) {
    where.push('id > ?');
    params.push(q.afterId);
  }
  if (q.beforeId !== undefined) {
    where.push('id < ?');
    params.push(q.beforeId);
  }
  if (q.agents && q.agents.length > 0) {
    where.push(inList('agent', q.agents));
    params.push(...q.agents);
  }
  if (q.said) where.push("message <> ''");
  for (const w of q.words ?? []) {
    const alt = [`message LIKE ? ESCAPE '\\'`];
    params.push(`%${likeEscape(w.text)}%`);
    if (w.agents.length > 0) {
      alt.push(inList('agent', w.agents));
      params.push(...w.agents);
    }
    if (w.levels.length > 0) {
      alt.push(inList('level', w.levels));
      params.push(...w.levels);
    }
    where.push(`(${alt.join(' OR ')})`);
  }
  if (q.kinds && q.kinds.length > 0) {
    where.push(inList('kind', q.kinds));
    params.push(...q.kinds);
  }
  const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  params.push(q.limit ?? 200);
  const rows = state.db.prepare(sql).all(...params) as unknown as Row[];
  return rows.reverse().map(toEvent);
}

function toEvent(r: Row): AgentEvent {
  return {
    id: r.id,
    ts: r.ts,
    runId: r.run_id ?? undefined,
    ticketId: r.ticket_id ?? undefined,
    agent: r.agent as AgentEvent['agent'],
    instance: r.instance ?? undefined,
    kind: r.kind as AgentEvent['kind'],
    level: r.level as Level,
    message: r.message,
    data: parseJson(r.data_json, undefined),
  };
}

export function maxEventId(state: StateDb): number {
  return (state.db.prepare('SELECT coalesce(max(id), 0) AS id FROM events').get() as { id: number }).id;
}

export function countEvents(state: StateDb): number {
  return (state.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
}

/** Deletes events older than `beforeTs` (epoch ms). The audit table is never purged. */
export function purgeEvents(state: StateDb, beforeTs: number): number {
  return Number(state.db.prepare('DELETE FROM events WHERE ts < ?').run(beforeTs).changes);
}
