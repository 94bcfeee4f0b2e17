// Tickets and runs with priority, status and what each waits for; approvals stand out.
import { Text } from 'ink';
import { memo } from 'react';
import type { DeckState } from '../../store/types.js';
import { paint, truncate, fit, type Paint } from '../format/text.js';
import { buildQueue, queueSize, CLOSED_TICKET, type QueueItem } from '../queue.js';
import { Pane } from './Pane.js';

const PRIORITY_PAINT: Record<string, Paint> = { urgent: 'red', high: 'yellow', normal: 'plain', low: 'gray' };

export function queueRow(item: QueueItem, width: number): { text: string; paint: Paint } {
  // The status column narrows with the pane so ids and titles stay visible.
  const col = width >= 60 ? 16 : 11;
  switch (item.kind) {
    case 'approval': {
      const a = item.approval;
      const text = `⚑ APPROVAL ${a.id} ${a.ticketId ?? ''} → ${a.target}: ${a.summary}  [a]pprove [x] reject`;
      return { text: truncate(text.replace(/\s+/g, ' '), width), paint: 'yellow' };
    }
    case 'run': {
      const r = item.run;
      const waits = r.waitingFor ? ` waits: ${r.waitingFor}` : '';
      const text = `${item.active ? '▶' : ' '} ${fit(r.status, col)} ${r.ticketId ?? r.id} ${r.phase ? `${r.phase} ` : ''}${r.line}${waits}`;
      return { text: truncate(text, width), paint: item.active ? (r.status.startsWith('waiting') ? 'magenta' : 'cyan') : 'gray' };
    }
    case 'ticket': {
      const t = item.ticket;
      const text = `  ${fit(t.status, col)} ${t.id}${t.ref ? ` ${t.ref}` : ''} ${fit(`[${t.priority}]`, 9)}${t.title}`;
      return { text: truncate(text, width), paint: CLOSED_TICKET.has(t.status) ? 'gray' : (PRIORITY_PAINT[t.priority] ?? 'plain') };
    }
  }
}

export interface QueuePaneProps {
  readonly deck: DeckState;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly selected: number;
}

/** The first row to show so the selected row stays visible. */
export function scrollTop(selected: number, visible: number, total: number): number {
  if (visible <= 0) return 0;
  return Math.max(0, Math.min(selected - visible + 1, total - visible));
}

// Memoized: a keystroke redraws the prompt, not this pane's content.
export const QueuePane = memo(function QueuePane({ deck, width, height, focused, selected }: QueuePaneProps) {
  const items = buildQueue(deck);
  const inner = width - 2;
  const visible = Math.max(0, height - 2);
  const approvals = items.filter((i) => i.kind === 'approval').length;
  const top = scrollTop(selected, visible, items.length);
  const rows = items.slice(top, top + visible).map((item, i) => {
    const row = queueRow(item, inner);
    if (focused && top + i === selected) return paint('inverse', fit(row.text, inner));
    return item.kind === 'approval' ? paint('bold', paint(row.paint, row.text)) : paint(row.paint, row.text);
  });
  // "open" is the header's Queue number (one function); the finished runs and closed tickets shown below them are not queued.
  const open = queueSize(deck);
  const info = `${approvals ? `${approvals} approval${approvals === 1 ? '' : 's'} waiting · ` : ''}${open} open${items.length > open ? ` · ${items.length - open} done` : ''}`;
  return (
    <Pane title="2 Queue" info={info} width={width} height={height} focused={focused}>
      <Text wrap="truncate">{rows.length ? rows.join('\n') : paint('gray', 'Nothing queued. Type @agent create ticket "..." to file one.')}</Text>
    </Pane>
  );
});
