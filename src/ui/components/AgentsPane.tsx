// One row per agent: state, current run, phase and step, how long it has been in that state.
import { Text } from 'ink';
import { memo } from 'react';
import { AGENT_NAMES } from '../../commands/types.js';
import type { AgentState } from '../../services/events/payloads.js';
import type { AgentView } from '../../store/types.js';
import { elapsed, fit, paint, stripAnsi, truncate, type Paint } from '../format/text.js';
import { Pane } from './Pane.js';

const STATE_TEXT: Record<AgentState, [string, Paint]> = {
  idle: ['idle', 'gray'],
  starting: ['starting', 'cyan'],
  working: ['working', 'green'],
  waiting_approval: ['approval?', 'yellow'],
  waiting_lock: ['lock wait', 'magenta'],
  done: ['idle', 'gray'],
  stopped: ['idle', 'gray'],
  failed: ['error', 'red'],
  error: ['error', 'red'],
};

export function agentRow(a: AgentView, width: number, now: number): string {
  const [label, color] = STATE_TEXT[a.state] ?? ['?', 'plain'];
  const resting = label === 'idle';
  const name = fit(AGENT_NAMES[a.kind], 13);
  const state = fit(label, 10);
  const time = resting ? '' : elapsed(now - a.since);
  // A resting agent whose last run needs someone (needs_model, needs_manual, failed) says so.
  const where = resting
    ? a.last && a.last !== 'done' && a.last !== 'cancelled'
      ? `last run ${a.last.replace('_', ' ')}`
      : ''
    : [a.runId, [a.phase, a.step].filter(Boolean).join(' · '), a.waitingFor ? `waits: ${a.waitingFor}` : ''].filter(Boolean).join('  ');
  const detailWidth = Math.max(0, width - 2 - 13 - 10 - time.length - 2);
  const dot = paint(color, '●');
  return `${dot} ${name}${paint(color, state)}${fit(where, detailWidth)} ${paint('gray', time)}`;
}

export interface AgentsPaneProps {
  /** One row per agent, from `agentViews` (the store's selector). */
  readonly views: readonly AgentView[];
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly selected: number;
  readonly now: number;
}

// Memoized: a keystroke redraws the prompt, not this pane's content.
export const AgentsPane = memo(function AgentsPane({ views, width, height, focused, selected, now }: AgentsPaneProps) {
  const inner = width - 2;
  const rows = views.slice(0, Math.max(0, height - 2)).map((view, i) => {
    const row = agentRow(view, inner, now);
    return focused && i === selected ? paint('inverse', truncate(stripAnsi(row), inner)) : row;
  });
  return (
    <Pane title="1 Agents" width={width} height={height} focused={focused}>
      <Text wrap="truncate">{rows.join('\n')}</Text>
    </Pane>
  );
});
