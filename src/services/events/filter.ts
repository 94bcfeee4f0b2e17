// The log filter typed after `/`: `agent:<name>` and `level:<level>` (comma lists allowed) keep
// lines of those agents or levels; every other word must appear in the line (any case).
import { AGENT_KINDS, AGENT_NAMES, AGENT_TAGS, type AgentKind } from '../../commands/types.js';
import type { StateDb } from '../state/db.js';
import { levelAtLeast, queryEvents, type EventQuery } from '../state/events.js';
import { LEVEL_MARK } from './format.js';
import type { AgentEvent, Level } from './types.js';

const LEVELS: readonly Level[] = ['debug', 'info', 'success', 'warn', 'error'];

export interface LogFilter {
  readonly agents: ReadonlySet<AgentKind> | null;
  readonly levels: ReadonlySet<Level> | null;
  readonly words: readonly string[];
  /** One line naming what was not understood, or null. */
  readonly error: string | null;
}

function agentOf(word: string): AgentKind | undefined {
  const w = word.toLowerCase();
  return AGENT_KINDS.find((k) => k === w || AGENT_TAGS[k].toLowerCase() === w || AGENT_NAMES[k].toLowerCase() === w);
}

export function parseFilter(text: string): LogFilter {
  const agents = new Set<AgentKind>();
  const levels = new Set<Level>();
  const words: string[] = [];
  const errors: string[] = [];
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const m = /^(agent|level):(.*)$/i.exec(token);
    if (!m) {
      words.push(token.toLowerCase());
      continue;
    }
    const field = (m[1] ?? '').toLowerCase();
    for (const value of (m[2] ?? '').split(',').filter(Boolean)) {
      if (field === 'agent') {
        const agent = agentOf(value);
        if (agent) agents.add(agent);
        else errors.push(`unknown agent "${value}" (accepted: ${AGENT_KINDS.join(', ')})`);
      } else {
        const level = LEVELS.find((l) => l === value.toLowerCase());
        if (level) levels.add(level);
        else errors.push(`unknown level "${value}" (accepted: ${LEVELS.join(', ')})`);
      }
    }
  }
  return {
    agents: agents.size ? agents : null,
    levels: levels.size ? levels : null,
    words,
    error: errors.length ? errors.join('; ') : null,
  };
}

export function isEmptyFilter(f: LogFilter): boolean {
  return !f.agents && !f.levels && f.words.length === 0;
}

/** `line` is the event as displayed, so words match what the user sees. */
export function matchesFilter(f: LogFilter, e: Pick<AgentEvent, 'agent' | 'level'>, line: string): boolean {
  if (f.agents && !f.agents.has(e.agent)) return false;
  if (f.levels && !f.levels.has(e.level)) return false;
  if (f.words.length === 0) return true;
  const lower = line.toLowerCase();
  return f.words.every((w) => lower.includes(w));
}

/**
 * The filter as a query of the stored events: the one translation the dashboard's history search
 * and the `logs` command share, so `agent:migrator level:error` and `logs migrator --level error`
 * find the same lines. A word matches as in matchesFilter: in the message, or in the `[TAG]` or
 * the level mark of the line as shown. (SQLite folds ASCII case only, so a word with non-ASCII
 * capitals can find fewer stored lines than on screen.)
 */
export function filterQuery(f: LogFilter): EventQuery {
  return {
    said: true,
    ...(f.agents ? { agents: [...f.agents] } : {}),
    ...(f.levels ? { levels: [...f.levels] } : {}),
    words: f.words.map((w) => ({
      text: w,
      agents: AGENT_KINDS.filter((k) => `[${AGENT_TAGS[k]}]`.toLowerCase().includes(w)),
      levels: LEVELS.filter((l) => LEVEL_MARK[l].trim() !== '' && LEVEL_MARK[l].includes(w)),
    })),
  };
}

/** The newest `limit` stored events the filter keeps, oldest first. */
export function searchEvents(state: StateDb, f: LogFilter, options: { limit: number; runId?: string; beforeId?: number }): AgentEvent[] {
  return queryEvents(state, { ...filterQuery(f), limit: options.limit, ...(options.runId ? { runId: options.runId } : {}), ...(options.beforeId !== undefined ? { beforeId: options.beforeId } : {}) });
}

/** `--level <min>` as the filter's level set: that level and the ones above it. */
export function levelsFrom(min: Level): ReadonlySet<Level> {
  return new Set(LEVELS.filter((l) => levelAtLeast(l, min)));
}
