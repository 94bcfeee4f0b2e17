// A line being edited, with its cursor shown inverse. It only draws: keys reach the line through
// the keymap dispatcher, never through the component. A line wider than its space scrolls so the
// cursor stays in view.
import { Text } from 'ink';
import stringWidth from '../format/string-width.js';

export interface LineInputProps {
  readonly value: string;
  /** Null: at the end. */
  readonly cursor: number | null;
  readonly active: boolean;
  /** Columns available (the cursor takes one at the end of the line). */
  readonly width: number;
  readonly placeholder?: string;
}

/** The characters of `value` (whole code points), with the cursor's index among them. */
function split(value: string, cursor: number | null): { chars: string[]; at: number } {
  const chars = [...value];
  if (cursor === null || cursor >= value.length) return { chars, at: chars.length };
  const at = [...value.slice(0, Math.max(0, cursor))].length;
  return { chars, at };
}

/** The slice of characters shown in `width` columns with the cursor's character inside it. */
export function visibleWindow(chars: readonly string[], at: number, width: number): { start: number; end: number } {
  const room = Math.max(1, width - 1);
  let start = 0;
  let used = 0;
  // Scroll right until the cursor fits, keeping as much of the line's start as possible.
  for (let i = 0; i < at; i++) used += stringWidth(chars[i]!);
  while (used > room - 1 && start < at) used -= stringWidth(chars[start++]!);
  let end = start;
  let cols = 0;
  while (end < chars.length && cols + stringWidth(chars[end]!) <= room) cols += stringWidth(chars[end++]!);
  return { start, end: Math.max(end, Math.min(chars.length, at)) };
}

export function LineInput({ value, cursor, active, width, placeholder }: LineInputProps) {
  if (!value && placeholder && !active) return <Text color="gray">{placeholder}</Text>;
  if (!value && placeholder && active) {
    return (
      <Text>
        <Text inverse>{placeholder[0] ?? ' '}</Text>
        <Text color="gray">{placeholder.slice(1)}</Text>
      </Text>
    );
  }
  const { chars, at } = split(value, cursor);
  const { start, end } = visibleWindow(chars, at, width);
  const before = chars.slice(start, at).join('');
  if (!active) return <Text wrap="truncate">{chars.slice(start, end).join('')}</Text>;
  const under = chars[at] ?? ' ';
  const after = chars.slice(at + 1, end).join('');
  return (
    <Text wrap="truncate">
      {before}
      <Text inverse>{under}</Text>
      {after}
    </Text>
  );
}
