// The prompt line. The text input has the keyboard only in prompt mode (elsewhere it would take
// Ctrl+letter and shortcut keys as text).
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import type { Mode } from '../state/ui-store.js';

export interface PromptLineProps {
  readonly mode: Mode;
  readonly value: string;
  readonly rev: number;
  readonly filter: string;
  readonly width: number;
  readonly onChange: (value: string) => void;
  readonly onFilterChange: (value: string) => void;
}

export function PromptLine({ mode, value, rev, filter, width, onChange, onFilterChange }: PromptLineProps) {
  if (mode === 'filter') {
    return (
      <Box width={width} height={1}>
        <Text color="yellow">/ </Text>
        <TextInput value={filter} onChange={onFilterChange} focus placeholder="agent:migrator level:error or text" />
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
        <TextInput key={rev} value={value} onChange={onChange} focus={active} showCursor={active} />
      ) : (
        <Text color="gray" wrap="truncate">
          press @ or : to type a command (@agent create ticket "..."), ? for help
        </Text>
      )}
    </Box>
  );
}
