import { Text } from 'ink';
import { MIN_COLUMNS, MIN_ROWS } from '../layout.js';
import { truncate } from '../format/text.js';

/** The one line shown when the terminal is smaller than the dashboard needs. */
export function tooSmallText(columns: number, rows: number): string {
  return `agentdeck needs at least ${MIN_COLUMNS}x${MIN_ROWS} (this terminal is ${columns}x${rows}); enlarge it, or press q to quit`;
}

export function TooSmall({ columns, rows }: { readonly columns: number; readonly rows: number }) {
  return <Text wrap="truncate">{truncate(tooSmallText(columns, rows), Math.max(1, columns))}</Text>;
}
