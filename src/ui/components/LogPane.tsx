// The streamed `[AGENT] ✓ ...` lines: follows the tail until scrolled up, filtered by `/`, and
// rendered as ONE <Text> holding only the visible slice.
import { Text } from 'ink';
import { memo } from 'react';
import type { LogLine } from '../../store/types.js';
import type { FoundLogs } from '../state/ui-store.js';
import { paint } from '../format/text.js';
import { filterLogs, renderLines, windowOf } from '../logs/view.js';
import { Pane } from './Pane.js';

export interface LogPaneProps {
  readonly logs: readonly LogLine[];
  readonly logTotal: number;
  readonly filter: string;
  /** The filter's matches in the stored history (once applied). */
  readonly found: FoundLogs | null;
  readonly anchor: number | null;
  readonly match: number | null;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
}

// Memoized: a keystroke redraws the prompt, not this pane's content.
export const LogPane = memo(function LogPane({ logs, logTotal, filter, found, anchor, match, width, height, focused }: LogPaneProps) {
  const lines = filterLogs(logs, filter, found);
  const rows = Math.max(1, height - 2);
  const win = windowOf(lines, anchor, rows);
  const text = renderLines(lines, win, width - 2, match);
  const state = win.following ? 'following' : `paused${win.below ? ` · ${win.below} newer` : ''} · G follows`;
  const history = found && found.filter === filter;
  const scope = history ? (found.more ? 'history (newest loaded)' : 'history') : `${logs.length} in memory (Enter searches history)`;
  const shown = filter ? `${lines.length} match${lines.length === 1 ? '' : 'es'} in ${scope}` : `${logTotal} lines`;
  return (
    <Pane title={`3 Logs${filter ? ` /${filter}` : ''}`} info={`${shown} · ${state}`} width={width} height={height} focused={focused}>
      <Text wrap="truncate">{text || paint('gray', filter ? 'No line matches the filter (Esc clears it).' : 'No log lines yet.')}</Text>
    </Pane>
  );
});
