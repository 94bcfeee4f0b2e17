// A confirmation dialog: Cancel has the focus when it opens; a typed confirmation needs the
// exact text (a ticket id) before any other button is accepted.
import { Box, Text } from 'ink';
import type { DialogState } from '../state/ui-store.js';
import { truncate } from '../format/text.js';
import { LineInput } from './LineInput.js';

export interface DialogViewProps {
  readonly dialog: DialogState;
  readonly width: number;
  readonly height: number;
  readonly active: boolean;
  /** The cursor in the typed confirmation (null: at its end). */
  readonly cursor: number | null;
}

export function DialogView({ dialog, width, height, active, cursor }: DialogViewProps) {
  const boxWidth = Math.min(width, Math.max(50, Math.min(90, width - 10)));
  const inner = boxWidth - 4;
  // Title, blank, body, [typed prompt + input], [error], blank, buttons; plus the border.
  const fixed = 2 + 2 + 1 + (dialog.typed ? 2 : 0) + (dialog.error ? 1 : 0) + 2;
  const body = dialog.body.slice(0, Math.max(0, height - fixed));
  return (
    <Box width={width} height={height} alignItems="center" justifyContent="center">
      <Box borderStyle="double" borderColor="yellow" width={boxWidth} flexDirection="column" paddingX={1}>
        <Text bold wrap="truncate">
          {truncate(dialog.title, inner)}
        </Text>
        <Text> </Text>
        {body.map((line, i) => (
          <Text key={i} wrap="truncate">
            {truncate(line, inner)}
          </Text>
        ))}
        {dialog.typed ? (
          <>
            <Text color="yellow" wrap="truncate">
              {truncate(`Type ${dialog.typed} to confirm:`, inner)}
            </Text>
            <Box>
              <Text color="yellow">{'> '}</Text>
              <LineInput value={dialog.input} cursor={cursor} active={active} width={inner - 2} />
            </Box>
          </>
        ) : null}
        {dialog.error ? (
          <Text color="red" wrap="truncate">
            {truncate(dialog.error, inner)}
          </Text>
        ) : null}
        <Text> </Text>
        <Box gap={2}>
          {dialog.buttons.map((b, i) => (
            <Text key={b.label} inverse={i === dialog.button} color={b.danger ? 'red' : undefined} bold={i === dialog.button}>
              {i === dialog.button ? `[${b.label}]` : ` ${b.label} `}
            </Text>
          ))}
        </Box>
      </Box>
    </Box>
  );
}
