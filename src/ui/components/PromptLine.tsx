// The prompt line: the command being typed, the log filter being typed, or Ctrl+R's search of the
// history. Keys reach the line through the keymap dispatcher; this only draws it.
import { Box, Text } from 'ink';
import type { Mode, UiState } from '../state/ui-store.js';
import { LineInput } from './LineInput.js';

export interface PromptLineProps {
  readonly mode: Mode;
  readonly value: string;
  readonly cursor: number | null;
  readonly filter: string;
  readonly search: UiState['search'];
  readonly history: readonly string[];
  readonly width: number;
}

export function PromptLine({ mode, value, cursor, filter, search, history, width }: PromptLineProps) {
  if (mode === 'filter') {
    return (
      <Box width={width} height={1} overflow="hidden">
        <Text color="yellow">/ </Text>
        <LineInput value={filter} cursor={cursor} active width={width - 2} placeholder="agent:migrator level:error or text" />
      </Box>
    );
  }
  if (mode === 'prompt' && search) {
    const match = search.index === null ? '' : (history[search.index] ?? '');
    const label = `(${search.query && search.index === null ? 'failing ' : ''}reverse-i-search)'${search.query}': `;
    const found = search.index === null ? -1 : match.indexOf(search.query);
    return (
      <Box width={width} height={1} overflow="hidden">
        <Text color="cyan">{label}</Text>
        <LineInput value={match} cursor={found < 0 ? null : found} active width={Math.max(1, width - label.length)} />
      </Box>
    );
  }
  const active = mode === 'prompt';
  return (
    <Box width={width} height={1} overflow="hidden">
      <Text color={active ? 'cyan' : 'gray'} bold={active}>
        {'› '}
      </Text>
      {active || value ? (
        <LineInput value={value} cursor={active ? cursor : null} active={active} width={width - 2} />
      ) : (
        <Text color="gray" wrap="truncate">
          press @ or : to type a command (@agent create ticket "..."), ? for help
        </Text>
      )}
    </Box>
  );
}
