// UI-only state of the dashboard (modes, focus, scroll, filter, dialog, prompt), kept in one small
// vanilla store so the keymap dispatcher can change it without reaching into components.
import type { LogLine } from '../../store/types.js';
import { createStore } from 'zustand/vanilla';

export const MODES = ['normal', 'prompt', 'filter', 'dialog', 'help', 'detail'] as const;
export type Mode = (typeof MODES)[number];

/** The panes that take focus, in the order of the `1`-`4` keys and Tab. */
export const PANES = ['agents', 'queue', 'logs', 'activity'] as const;
export type PaneId = (typeof PANES)[number];

export const PANE_TITLES: Record<PaneId, string> = {
  agents: 'Agents',
  queue: 'Queue',
  logs: 'Logs',
  activity: 'Recent activity',
};

/** What a dialog button does. */
export type DialogAction =
  | { readonly kind: 'cancel' }
  | { readonly kind: 'command'; readonly line: string }
  | { readonly kind: 'quit' }
  /** Opens a follow-up dialog (e.g. the typed confirmation for production). */
  | { readonly kind: 'dialog'; readonly dialog: Dialog };

export interface DialogButton {
  readonly label: string;
  readonly action: DialogAction;
  readonly danger?: boolean;
}

export interface Dialog {
  readonly title: string;
  readonly body: readonly string[];
  /** The first button is Cancel and has the focus when the dialog opens. */
  readonly buttons: readonly DialogButton[];
  /** When set, the user must type exactly this (a ticket id) before any other button is accepted. */
  readonly typed?: string;
}

export interface DialogState extends Dialog {
  readonly button: number;
  readonly input: string;
  readonly error: string | null;
}

export interface Detail {
  /** A ticket, a run, or the last command's result shown whole (`o`; id is empty). */
  readonly kind: 'ticket' | 'run' | 'outcome';
  readonly id: string;
}

/** An engine call in flight (shown with a spinner) or the last one that ended. */
export interface Pending {
  readonly seq: number;
  readonly line: string;
  readonly startedAt: number;
}

export interface Outcome {
  readonly line: string;
  readonly ok: boolean;
  readonly status: string;
  readonly message: string;
  readonly lines: readonly string[];
  readonly runId?: string;
  readonly at: number;
}

export interface UiState {
  readonly mode: Mode;
  /** The mode to return to when a dialog or overlay closes. */
  readonly previousMode: Mode;
  readonly focus: PaneId;
  /** Selected row per list pane. */
  readonly selection: Readonly<Record<PaneId, number>>;
  /** Id of the bottom visible log line while paused; null follows the tail. */
  readonly logAnchor: number | null;
  /** The log filter, and the id of the current match (n/N), or null. */
  readonly filter: string;
  readonly match: number | null;
  /** The filter's matches in the stored history, loaded when the filter was applied (Enter). */
  readonly found: FoundLogs | null;
  /** The log pane fills the body (`L`). */
  readonly logsMaximized: boolean;
  readonly prompt: string;
  /**
   * The cursor in the line being edited (prompt, filter or typed confirmation: one at a time);
   * null puts it at the end, where a line set from outside leaves it.
   */
  readonly cursor: number | null;
  /** Ctrl+R: the text searched for, the history entry it matched, and the line before the search. */
  readonly search: { readonly query: string; readonly index: number | null; readonly original: string } | null;
  readonly promptError: string | null;
  readonly promptHint: string | null;
  readonly history: readonly string[];
  /** Position while browsing history with up/down; null when editing a fresh line. */
  readonly historyIndex: number | null;
  readonly historyDraft: string;
  readonly dialog: DialogState | null;
  readonly detail: Detail | null;
  readonly detailScroll: number;
  readonly helpScroll: number;
  readonly pending: readonly Pending[];
  readonly outcome: Outcome | null;
  /** A one-line notice (refreshed, nothing selected...). */
  readonly notice: string | null;
  /**
   * False while the dashboard finishes starting after its first frame (the command registry and
   * the engine load then): keys wait unread in the terminal and are handled, in order, once true.
   */
  readonly inputReady: boolean;
}

/**
 * Stored lines a filter matched when applied, newest `limit` of them. They carry ids below 1 (in
 * their order), so with the live lines after `liveFrom` they make one list in id order for the
 * pane, the scroll and n/N; the store's own ids say nothing about rows written elsewhere.
 */
export interface FoundLogs {
  readonly filter: string;
  readonly lines: readonly LogLine[];
  /** The newest live line id when the history was searched: later matches come from the store. */
  readonly liveFrom: number;
  /** More stored lines match than were loaded: scrolling to the top loads the next older page. */
  readonly more: boolean;
  /** The db row id of the oldest loaded match (where the next page starts). */
  readonly oldestRow: number;
}

/**
 * What editing the filter text resets with it: the current match, the stored matches of the text
 * that was applied, and the scroll (a new text is applied, and searched, with Enter).
 */
export const FILTER_EDITED = { match: null, found: null, logAnchor: null } as const;

export type UiStore = ReturnType<typeof createUiStore>;

export function createUiStore(history: readonly string[] = [], inputReady = true) {
  return createStore<UiState>()(() => ({
    mode: 'normal',
    previousMode: 'normal',
    focus: 'queue',
    selection: { agents: 0, queue: 0, logs: 0, activity: 0 },
    logAnchor: null,
    filter: '',
    match: null,
    found: null,
    logsMaximized: false,
    prompt: '',
    cursor: null,
    search: null,
    promptError: null,
    promptHint: null,
    history,
    historyIndex: null,
    historyDraft: '',
    dialog: null,
    detail: null,
    detailScroll: 0,
    helpScroll: 0,
    pending: [],
    outcome: null,
    notice: null,
    inputReady,
  }));
}
