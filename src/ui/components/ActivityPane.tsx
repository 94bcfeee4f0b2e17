// Recent activity, as in the user's sketch: `✓ BUG-2025-001: Fixed (14:30)`.
import { Text } from 'ink';
import { memo } from 'react';
import { formatTime, LEVEL_MARK } from '../../services/events/format.js';
import type { ActivityItem } from '../../store/types.js';
import { paint, stripAnsi, truncate } from '../format/text.js';
import { LEVEL_PAINT } from '../logs/view.js';
import { Pane } from './Pane.js';
import { scrollTop } from './QueuePane.js';

export function activityRow(a: ActivityItem, width: number): string {
  const suffix = ` (${formatTime(a.ts).slice(0, 5)})`;
  const mark = LEVEL_MARK[a.level].trim() || '·';
  return paint(LEVEL_PAINT[a.level], `${mark} ${truncate(a.text, Math.max(0, width - 2 - suffix.length))}${suffix}`);
}

export interface ActivityPaneProps {
  readonly activity: readonly ActivityItem[];
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly selected: number;
}

// Memoized: a keystroke redraws the prompt, not this pane's content.
export const ActivityPane = memo(function ActivityPane({ activity, width, height, focused, selected }: ActivityPaneProps) {
  const visible = Math.max(0, height - 2);
  const top = scrollTop(selected, visible, activity.length);
  const rows = activity.slice(top, top + visible).map((a, i) => {
    const row = activityRow(a, width - 2);
    return focused && top + i === selected ? paint('inverse', stripAnsi(row)) : row;
  });
  return (
    <Pane title="4 Recent activity" width={width} height={height} focused={focused}>
      <Text wrap="truncate">{rows.length ? rows.join('\n') : paint('gray', 'Nothing yet.')}</Text>
    </Pane>
  );
});
