// One line above the prompt: the parse error (before anything runs), completions, the command in
// flight with a spinner, or how the last one ended.
import { Box, Text } from 'ink';
import type { UiState } from '../state/ui-store.js';
import { columns, elapsed, truncate } from '../format/text.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface StatusLineProps {
  readonly ui: Pick<UiState, 'promptError' | 'promptHint' | 'pending' | 'outcome' | 'notice' | 'mode'>;
  readonly width: number;
  readonly now: number;
}

export function statusOf(ui: StatusLineProps['ui'], now: number): { text: string; color: string; outcome?: { more: boolean } } | null {
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
    // One line of it here; `o` shows it whole (wrapped), so a path or a command to run next is never lost.
    return { text: `${mark} ${o.message.replace(/\s*\n\s*/g, ' ')}`, color, outcome: { more: o.lines.length > 0 } };
  }
  return null;
}

const MORE = '  (o: all)';

/** A result in one row; one that does not fit (or has more lines) says `o` shows it all. */
export function fitOutcome(text: string, width: number, more: boolean): string {
  if (!more && columns(text) <= width) return text;
  if (more && columns(text) + MORE.length <= width) return text + MORE;
  return truncate(text, width - MORE.length) + MORE;
}

export function StatusLine({ ui, width, now }: StatusLineProps) {
  const s = statusOf(ui, now);
  return (
    <Box width={width} height={1}>
      <Text color={s?.color ?? 'gray'} wrap="truncate">
        {s ? (s.outcome ? fitOutcome(s.text, width, s.outcome.more) : truncate(s.text, width)) : ' '}
      </Text>
    </Box>
  );
}

const HINTS: Record<UiState['mode'], string> = {
  normal: '[R]efresh  [L]ogs  [D]eploy  [H]elp  │ @ command  / filter  Tab/1-4 panes  Enter open  o result  a/x approve  q quit',
  prompt: 'Enter run  Tab complete  ↑/↓ history  Esc back',
  filter: 'agent:<name>  level:<level>  words  │ Enter keep  Esc clear',
  dialog: 'Tab/←/→ choose  Enter press  Esc cancel',
  help: 'j/k scroll  Esc close',
  detail: 'j/k scroll  a/x approve/reject  Esc back',
};

/** The normal mode's keys in fewer columns, for terminals narrower than its full hint. */
const NARROW_NORMAL = '@ command  / filter  Tab panes  Enter open  o result  a/x approve  ? help  q quit';

export function footerHint(mode: UiState['mode'], width: number): string {
  return mode === 'normal' && HINTS.normal.length > width ? NARROW_NORMAL : HINTS[mode];
}

export function Footer({ mode, width }: { readonly mode: UiState['mode']; readonly width: number }) {
  return (
    <Box width={width} height={1}>
      <Text color="gray" wrap="truncate">
        {truncate(footerHint(mode, width), width)}
      </Text>
    </Box>
  );
}
