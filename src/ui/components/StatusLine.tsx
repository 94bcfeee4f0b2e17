// One line above the prompt: the parse error (before anything runs), completions, the command in
// flight with a spinner, or how the last one ended.
import { Box, Text } from 'ink';
import type { UiState } from '../state/ui-store.js';
import { elapsed, truncate } from '../format/text.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface StatusLineProps {
  readonly ui: Pick<UiState, 'promptError' | 'promptHint' | 'pending' | 'outcome' | 'notice' | 'mode'>;
  readonly width: number;
  readonly now: number;
}

export function statusOf(ui: StatusLineProps['ui'], now: number): { text: string; color: string } | null {
  if (ui.promptError) return { text: `✗ ${ui.promptError}`, color: 'red' };
  if (ui.promptHint && ui.mode === 'prompt') return { text: ui.promptHint, color: 'gray' };
  const p = ui.pending[ui.pending.length - 1];
  if (p) {
    const frame = SPINNER[Math.floor(now / 100) % SPINNER.length] ?? '';
    const more = ui.pending.length > 1 ? ` (+${ui.pending.length - 1} more)` : '';
    return { text: `${frame} running: ${p.line}  ${elapsed(now - p.startedAt)}${more}`, color: 'cyan' };
  }
  if (ui.notice) return { text: ui.notice, color: 'yellow' };
  const o = ui.outcome;
  if (o) {
    const mark = o.ok ? '✓' : o.status === 'waiting_approval' ? '⚑' : o.status === 'needs_model' || o.status === 'incomplete' ? '⚠' : '✗';
    const color = o.ok ? 'green' : o.status === 'waiting_approval' || o.status === 'needs_model' || o.status === 'incomplete' ? 'yellow' : 'red';
    return { text: `${mark} ${o.message}${o.lines.length ? '  (Enter on the run shows details)' : ''}`, color };
  }
  return null;
}

export function StatusLine({ ui, width, now }: StatusLineProps) {
  const s = statusOf(ui, now);
  return (
    <Box width={width} height={1}>
      <Text color={s?.color ?? 'gray'} wrap="truncate">
        {s ? truncate(s.text, width) : ' '}
      </Text>
    </Box>
  );
}

const HINTS: Record<UiState['mode'], string> = {
  normal: '[R]efresh  [L]ogs  [D]eploy  [H]elp  │ @ command  / filter  Tab/1-4 panes  Enter open  a/x approve/reject  q quit',
  prompt: 'Enter run  Tab complete  ↑/↓ history  Esc back',
  filter: 'agent:<name>  level:<level>  words  │ Enter keep  Esc clear',
  dialog: 'Tab/←/→ choose  Enter press  Esc cancel',
  help: 'j/k scroll  Esc close',
  detail: 'j/k scroll  a/x approve/reject  Esc back',
};

export function Footer({ mode, width }: { readonly mode: UiState['mode']; readonly width: number }) {
  return (
    <Box width={width} height={1}>
      <Text color="gray" wrap="truncate">
        {truncate(HINTS[mode], width)}
      </Text>
    </Box>
  );
}
