// Where each pane goes for a terminal size. Heights are explicit and add up to exactly the
// terminal's rows: a frame taller than the terminal makes Ink clear the screen on every frame.
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export interface Layout {
  readonly columns: number;
  readonly rows: number;
  /** Agents and queue side by side. 0 when the log pane is enlarged. */
  readonly topHeight: number;
  readonly agentsWidth: number;
  readonly queueWidth: number;
  /** Logs and recent activity side by side. */
  readonly middleHeight: number;
  readonly logsWidth: number;
  readonly activityWidth: number;
  /** Rows inside the pane frames. */
  readonly listRows: number;
  readonly logRows: number;
  readonly activityRows: number;
}

/** Header, status line, prompt line and quick-actions line. */
export const CHROME_ROWS = 4;
/** A pane's frame: the titled top border and the bottom border. */
export const FRAME_ROWS = 2;
export const FRAME_COLUMNS = 2;

export function fitsMinimum(columns: number, rows: number): boolean {
  return columns >= MIN_COLUMNS && rows >= MIN_ROWS;
}

/**
 * Below this width Recent activity is not shown and the log pane takes its room. What a narrow
 * terminal keeps, in order: the header, status and prompt lines; the queue (ids whole, titles get
 * what remains); the log pane (every activity item is also a log line); the agents pane; Recent
 * activity. A pane is dropped rather than squeezed until its lines say nothing.
 */
export const ACTIVITY_MIN_COLUMNS = 100;

export function computeLayout(columns: number, rows: number, logsMaximized = false): Layout {
  const body = rows - CHROME_ROWS;
  // Six agents plus the frame; the queue gets the same height. Taller terminals give the
  // queue pane more room, up to a third of the body.
  const topHeight = logsMaximized ? 0 : Math.max(6 + FRAME_ROWS, Math.min(Math.floor(body / 3), 14));
  const middleHeight = body - topHeight;
  const agentsWidth = Math.max(38, Math.floor(columns * 0.42));
  const activityWidth = logsMaximized || columns < ACTIVITY_MIN_COLUMNS ? 0 : Math.max(28, Math.floor(columns * 0.3));
  return {
    columns,
    rows,
    topHeight,
    agentsWidth,
    queueWidth: columns - agentsWidth,
    middleHeight,
    logsWidth: columns - activityWidth,
    activityWidth,
    listRows: Math.max(0, topHeight - FRAME_ROWS),
    logRows: Math.max(1, middleHeight - FRAME_ROWS),
    activityRows: Math.max(0, middleHeight - FRAME_ROWS),
  };
}
