// The log filter typed after `/`: `agent:<name>` and `level:<level>` (comma lists allowed) keep
// lines of those agents or levels; every other word must appear in the line (any case).
import { AGENT_KINDS, AGENT_NAMES, AGENT_TAGS, type AgentKind } from '../../commands/types.js';
import type { AgentEvent, Level } from '../../services/events/types.js';

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
