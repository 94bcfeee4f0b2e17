// One line per event, in the user's style: `[BUGHUNTER] ✓ Identified root cause: ...`.
import { AGENT_TAGS } from '../../commands/types.js';
import type { AgentEvent, Level } from './types.js';

export const LEVEL_MARK: Record<Level, string> = { debug: '·', info: ' ', success: '✓', warn: '⚠', error: '✗' };

export function formatEvent(e: Pick<AgentEvent, 'agent' | 'level' | 'message'>): string {
  const mark = LEVEL_MARK[e.level];
  return mark.trim() ? `[${AGENT_TAGS[e.agent]}] ${mark} ${e.message}` : `[${AGENT_TAGS[e.agent]}] ${e.message}`;
}

export function formatTime(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
}
