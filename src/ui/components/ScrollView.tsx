// A titled full-body view of prepared lines (help, details) with app-managed scroll. The lines
// come wrapped to the width (wrapLines), so a long path or command is shown whole.
import { Text } from 'ink';
import { wrapLine } from '../format/text.js';
import { Pane } from './Pane.js';

export interface ScrollViewProps {
  readonly title: string;
  readonly lines: readonly string[];
  readonly scroll: number;
  readonly width: number;
  readonly height: number;
}

/** The scroll offset kept inside the content. */
export function clampScroll(scroll: number, total: number, visible: number): number {
  return Math.max(0, Math.min(scroll, total - visible));
}

export function ScrollView({ title, lines, scroll, width, height }: ScrollViewProps) {
  const visible = Math.max(0, height - 2);
  const top = clampScroll(scroll, lines.length, visible);
  const more = lines.length > visible ? `${top + 1}-${Math.min(lines.length, top + visible)} of ${lines.length}` : '';
  return (
    <Pane title={title} info={more} width={width} height={height} focused>
      <Text wrap="truncate">{lines.slice(top, top + visible).join('\n')}</Text>
    </Pane>
  );
}

/** The overlay's lines wrapped to the inside of a pane `width` wide. */
export function wrapLines(lines: readonly string[], width: number): string[] {
  return lines.flatMap((l) => wrapLine(l, width - 2));
}
