// A pane with its title in the top border (saves a row) and a fixed size, so the layout adds up.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { truncate } from '../format/text.js';

export interface PaneProps {
  readonly title: string;
  /** Right-aligned in the top border (counts, follow state). */
  readonly info?: string;
  readonly width: number;
  readonly height: number;
  readonly focused?: boolean;
  readonly children?: ReactNode;
}

export function topBorder(title: string, info: string, width: number): string {
  const inner = Math.max(0, width - 2);
  const left = truncate(`─ ${title} `, inner);
  const right = info ? truncate(` ${info} ─`, Math.max(0, inner - left.length - 1)) : '';
  const fill = Math.max(0, inner - left.length - right.length);
  return `╭${left}${'─'.repeat(fill)}${right}╮`;
}

export function Pane({ title, info = '', width, height, focused = false, children }: PaneProps) {
  if (width <= 2 || height <= 1) return null;
  const color = focused ? 'cyan' : 'gray';
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text color={color} bold={focused} wrap="truncate">
        {topBorder(title, info, width)}
      </Text>
      <Box
        borderStyle="round"
        borderTop={false}
        borderColor={color}
        width={width}
        height={height - 1}
        flexDirection="column"
        overflow="hidden"
      >
        {children}
      </Box>
    </Box>
  );
}
