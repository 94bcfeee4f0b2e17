// The dashboard's root: sized exactly to the terminal (never taller), one keyboard dispatcher,
// and the panes or the overlay of the current mode.
import { Box, useInput, useWindowSize } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { agentViews } from '../store/selectors.js';
import type { DeckStore } from '../store/store.js';
import type { DeckState } from '../store/types.js';
import { ActivityPane } from './components/ActivityPane.js';
import { AgentsPane } from './components/AgentsPane.js';
import { DialogView } from './components/DialogView.js';
import { Header } from './components/Header.js';
import { LogPane } from './components/LogPane.js';
import { PromptLine } from './components/PromptLine.js';
import { QueuePane } from './components/QueuePane.js';
import { ScrollView, wrapLines } from './components/ScrollView.js';
import { Footer, StatusLine } from './components/StatusLine.js';
import { TooSmall } from './components/TooSmall.js';
import type { createController } from './controller.js';
import { dispatchInput } from './keymap/dispatch.js';
import { useThrottledStore } from './use-throttled-store.js';
import { CHROME_ROWS, computeLayout, fitsMinimum, type Layout } from './layout.js';
import type { Detail, UiStore } from './state/ui-store.js';

export type Controller = ReturnType<typeof createController>;

/** What the last render looked like. */
export interface ViewRef {
  layout: Layout;
  /** Lines of the help or detail overlay on screen (0 when none). */
  overlayLines: number;
  /**
   * Lines the terminal echoed onto the shell's screen for keys typed before raw mode (see
   * echoedLines); set by the first input, cleared away on the way out.
   */
  typedAhead?: { seen: boolean; lines: number };
}

/**
 * Keys typed while Node started were read by a terminal still in cooked mode: it echoed them and
 * turned each Enter into "\n" (ICRNL). They all wait unread and arrive as the first chunk; in raw
 * mode Enter is "\r". So the "\n"s of a first multi-key chunk are lines echoed on the shell.
 */
export function echoedLines(firstInput: string): number {
  return firstInput.length > 1 ? firstInput.split('\n').length - 1 : 0;
}

export interface AppProps {
  readonly deck: DeckStore;
  readonly ui: UiStore;
  readonly controller: Controller;
  readonly project: string;
  readonly target: string;
  /** The help overlay's lines for a width. */
  readonly helpLines: (width: number) => readonly string[];
  /** The lines of a ticket's or run's detail view (read again as the deck changes). */
  readonly detailLines: (detail: Detail, deck: DeckState) => readonly string[];
  /** Receives the layout and overlay length of every render, for page sizes in the controller. */
  readonly viewRef?: ViewRef;
  readonly now?: () => number;
  /** Least time between redraws caused by the deck store (default 250 ms). */
  readonly deckFrameMs?: number;
}

/** Re-renders every `ms` (elapsed times, the spinner). */
function useNow(ms: number, clock: () => number): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    const timer = setInterval(() => setNow(clock()), ms);
    return () => clearInterval(timer);
  }, [ms, clock]);
  return now;
}

export function App({ deck, ui, controller, project, target, helpLines, detailLines, viewRef, now: clock = Date.now, deckFrameMs = 250 }: AppProps) {
  const { columns, rows } = useWindowSize();
  const d = useThrottledStore(deck, deckFrameMs);
  const s = useStore(ui);
  // Until the dashboard is ready for keys the handler is off, so Ink leaves them unread (the
  // terminal is already in raw mode: nothing echoes); the only key handler before that point.
  useInput(
    (input, key) => {
      if (viewRef?.typedAhead && !viewRef.typedAhead.seen) viewRef.typedAhead = { seen: true, lines: echoedLines(input) };
      dispatchInput(() => ui.getState().mode, input, key, controller);
    },
    { isActive: s.inputReady },
  );
  // Recomputed when the agents or the runs change, not for every log line.
  const agentViewList = useMemo(() => agentViews(d), [d.agents, d.runs]);
  const now = useNow(s.pending.length > 0 ? 100 : 1000, clock);
  const layout = useMemo(() => computeLayout(columns, rows, s.logsMaximized), [columns, rows, s.logsMaximized]);
  const help = useMemo(() => (s.mode === 'help' ? wrapLines(helpLines(columns), columns) : []), [s.mode, columns, helpLines]);
  const detail = useMemo(() => (s.detail && s.mode === 'detail' ? wrapLines(detailLines(s.detail, d), columns) : []), [s.detail, s.mode, d, detailLines, columns]);

  if (viewRef) {
    viewRef.layout = layout;
    viewRef.overlayLines = s.mode === 'help' ? help.length : s.mode === 'detail' ? detail.length : 0;
  }

  if (!fitsMinimum(columns, rows)) {
    return (
      <Box width={columns} height={rows} overflow="hidden">
        <TooSmall columns={columns} rows={rows} />
      </Box>
    );
  }

  const bodyHeight = rows - CHROME_ROWS;
  let body;
  if (s.mode === 'help') {
    body = <ScrollView title="Help (Esc closes)" lines={help} scroll={s.helpScroll} width={columns} height={bodyHeight} />;
  } else if (s.mode === 'detail' && s.detail) {
    const title = s.detail.kind === 'outcome' ? 'Last result' : `${s.detail.kind === 'run' ? 'Run' : 'Ticket'} ${s.detail.id}`;
    body = <ScrollView title={`${title} (Esc back)`} lines={detail} scroll={s.detailScroll} width={columns} height={bodyHeight} />;
  } else if (s.mode === 'dialog' && s.dialog) {
    body = <DialogView dialog={s.dialog} width={columns} height={bodyHeight} active cursor={s.cursor} />;
  } else {
    body = (
      <Box flexDirection="column" width={columns} height={bodyHeight}>
        {layout.topHeight > 0 ? (
          <Box width={columns} height={layout.topHeight}>
            <AgentsPane views={agentViewList} width={layout.agentsWidth} height={layout.topHeight} focused={s.focus === 'agents'} selected={s.selection.agents} now={now} />
            <QueuePane deck={d} width={layout.queueWidth} height={layout.topHeight} focused={s.focus === 'queue'} selected={s.selection.queue} />
          </Box>
        ) : null}
        <Box width={columns} height={layout.middleHeight}>
          <LogPane
            logs={d.logs}
            logTotal={d.logTotal}
            filter={s.filter}
            found={s.found}
            anchor={s.logAnchor}
            match={s.match}
            width={layout.logsWidth}
            height={layout.middleHeight}
            focused={s.focus === 'logs'}
          />
          {layout.activityWidth > 0 ? (
            <ActivityPane activity={d.activity} width={layout.activityWidth} height={layout.middleHeight} focused={s.focus === 'activity'} selected={s.selection.activity} />
          ) : null}
        </Box>
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={columns} height={rows} overflow="hidden">
      <Header deck={d} project={project} target={target} width={columns} now={now} />
      {body}
      <StatusLine ui={s} width={columns} now={now} />
      <PromptLine mode={s.mode} value={s.prompt} cursor={s.cursor} filter={s.filter} search={s.search} history={s.history} width={columns} />
      <Footer mode={s.mode} width={columns} />
    </Box>
  );
}
