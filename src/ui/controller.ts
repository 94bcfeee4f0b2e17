// What the keys do. Every action reads and writes the UI store (and reads the deck store); engine
// calls are started here and never awaited on the render path: a spinner shows while they run.
import type { CommandResult } from '../agents/types.js';
import { approveLine } from '../commands/defs/runs.js';
import { AGENT_KINDS, type ParseResult } from '../commands/types.js';
import { TICKET_ID_IN_TEXT } from '../services/state/tickets.js';
import { runningRunCount } from '../store/selectors.js';
import type { DeckStore } from '../store/store.js';
import type { ApprovalView, LogLine } from '../store/types.js';
import type { InputActions } from './keymap/dispatch.js';
import { lineActions } from './line-editor/actions.js';
import { ACTIVITY_MIN_COLUMNS, CHROME_ROWS, computeLayout, FRAME_ROWS, type Layout } from './layout.js';
import { isEmptyFilter, parseFilter, type LogFilter } from '../services/events/filter.js';
import { filterLogs, indexOfId, revealAnchor, scrollAnchor, windowOf } from './logs/view.js';
import { buildQueue, ticketOf, type QueueItem } from './queue.js';
import { pushHistory, type HistoryFile } from './state/history.js';
import { FILTER_EDITED, PANES, type Dialog, type DialogState, type FoundLogs, type Mode, type PaneId, type UiState, type UiStore } from './state/ui-store.js';

/** The engine as the dashboard uses it. */
export interface DashboardEngine {
  dispatch(line: string, options: { readonly initiator: string }): Promise<CommandResult>;
}

/** The command registry as the prompt uses it. */
export interface CommandsApi {
  parse(line: string): ParseResult;
  /** Tab on the line as typed: the line after completing, and the candidates for the last word. */
  complete(line: string): { readonly line: string; readonly candidates: readonly string[] };
  /** Whether a parsed command asks for a confirmation before it runs, and how. */
  confirmOf?(line: string): { readonly typed?: string; readonly summary: string } | null;
  /** The commands part of the help overlay, for a width. */
  overview?(width: number): readonly string[];
}

export interface ControllerOptions {
  readonly ui: UiStore;
  readonly deck: DeckStore;
  readonly engine: DashboardEngine;
  readonly commands: CommandsApi;
  readonly history?: HistoryFile;
  /** Ends the dashboard (unmounts Ink and restores the terminal). */
  readonly exit: () => void;
  /** The last render's layout and overlay length (page sizes, scroll limits); defaults to 80x24. */
  readonly view?: () => { readonly layout: Layout; readonly overlayLines: number };
  /** Reloads the store from the state db and reruns the health checks. */
  readonly refresh?: () => Promise<void>;
  readonly now?: () => number;
  /** Redacts secrets from what the status line and the outcome show (the bus's redactor). */
  readonly redact?: (text: string) => string;
  /**
   * The newest `limit` stored lines a filter keeps (the whole history, not just the lines in
   * memory), before row `beforeRow` when given; their ids are the db's row ids.
   */
  readonly searchHistory?: (filter: LogFilter, limit: number, beforeRow?: number) => readonly LogLine[];
}

/** How many stored matches a filter loads. */
export const HISTORY_MATCHES = 2000;

/**
 * A page of stored matches (db ids, oldest first) put above the ones loaded. They take ids below
 * the loaded ones (all below 1), so loaded pages and live lines stay one list in id order.
 */
function withOlderPage(loaded: readonly LogLine[], page: readonly LogLine[], oldestRow: number): Pick<FoundLogs, 'lines' | 'more' | 'oldestRow'> {
  const top = loaded[0]?.id ?? 1;
  return {
    lines: [...page.map((l, i) => ({ ...l, id: top - page.length + i })), ...loaded],
    more: page.length >= HISTORY_MATCHES,
    oldestRow: page[0]?.id ?? oldestRow,
  };
}

const PAGE_MIN = 1;
const LINE_BREAK = /\r\n|\r|\n/;

export function createController(o: ControllerOptions): InputActions & {
  run(line: string): Promise<CommandResult | null>;
  setPrompt(value: string): void;
  setFilter(value: string): void;
  setDialogInput(value: string): void;
} {
  const { ui, deck } = o;
  const now = o.now ?? Date.now;
  const fallback = { layout: computeLayout(80, 24), overlayLines: 0 };
  const view = o.view ?? (() => fallback);
  const layout = (): Layout => view().layout;
  const get = (): UiState => ui.getState();
  const set = (patch: Partial<UiState>): void => ui.setState(patch);
  let seq = 0;

  const notice = (text: string | null): void => set({ notice: text });

  const openDialog = (dialog: Dialog): void => {
    const s = get();
    const previousMode: Mode = s.mode === 'dialog' ? s.previousMode : s.mode;
    const state: DialogState = { ...dialog, button: 0, input: '', error: null };
    set({ dialog: state, mode: 'dialog', previousMode, cursor: null });
  };

  const closeDialog = (): void => {
    const s = get();
    set({ dialog: null, mode: s.previousMode === 'dialog' ? 'normal' : s.previousMode });
  };

  const run = async (line: string): Promise<CommandResult | null> => {
    const redact = o.redact ?? ((text: string) => text);
    const mine = { seq: ++seq, line: redact(line), startedAt: now() };
    set({ pending: [...get().pending, mine], outcome: null, notice: null });
    let result: CommandResult;
    try {
      result = await o.engine.dispatch(line, { initiator: 'you' });
    } catch (err) {
      // dispatch is meant never to throw; if it does, the dashboard still stands.
      const message = err instanceof Error ? err.message : String(err);
      result = { ok: false, status: 'failed', message, error: { message, code: 'internal' } };
    }
    set({
      pending: get().pending.filter((p) => p.seq !== mine.seq),
      outcome: {
        line: mine.line,
        ok: result.ok,
        status: result.status,
        message: redact(result.message),
        lines: (result.lines ?? []).map(redact),
        runId: result.runId,
        at: now(),
      },
    });
    return result;
  };

  const queueItems = (): readonly QueueItem[] => buildQueue(deck.getState());
  const selectedItem = (): QueueItem | undefined => queueItems()[get().selection.queue];

  const listLength = (pane: PaneId): number => {
    const s = deck.getState();
    if (pane === 'agents') return Object.keys(s.agents).length;
    if (pane === 'queue') return buildQueue(s).length;
    if (pane === 'activity') return s.activity.length;
    return 0;
  };

  const filtered = () => filterLogs(deck.getState().logs, get().filter, get().found);

  /** The next older page of the applied filter's stored matches, above the ones loaded. */
  const loadOlderMatches = (): void => {
    const found = get().found;
    if (!found?.more || !o.searchHistory || found.filter !== get().filter) return;
    const older = o.searchHistory(parseFilter(found.filter), HISTORY_MATCHES, found.oldestRow);
    if (older.length === 0) {
      set({ found: { ...found, more: false } });
      return;
    }
    set({
      found: { ...found, ...withOlderPage(found.lines, older, found.oldestRow) },
      notice: `${(found.lines.length + older.length).toLocaleString('en-US')} stored matches loaded${older.length >= HISTORY_MATCHES ? '; scroll up for older' : ''}`,
    });
  };

  const moveSelection = (delta: number | 'top' | 'bottom'): void => {
    const s = get();
    const pane = s.focus;
    if (pane === 'logs') {
      const rows = layout().logRows;
      // Reaching the top of the loaded matches loads the next older page of them.
      if (delta === 'top' || (typeof delta === 'number' && delta < 0 && windowOf(filtered(), s.logAnchor, rows).start + delta <= 0)) loadOlderMatches();
      const lines = filtered();
      if (delta === 'top') set({ logAnchor: lines[Math.min(rows, lines.length) - 1]?.id ?? null });
      else if (delta === 'bottom') set({ logAnchor: null, match: null });
      else set({ logAnchor: scrollAnchor(lines, get().logAnchor, rows, delta) });
      return;
    }
    const len = listLength(pane);
    const current = s.selection[pane];
    const next = delta === 'top' ? 0 : delta === 'bottom' ? len - 1 : current + delta;
    set({ selection: { ...s.selection, [pane]: Math.max(0, Math.min(len - 1, next)) } });
  };

  const scrollOverlay = (delta: number | 'top' | 'bottom'): void => {
    const key = get().mode === 'help' ? 'helpScroll' : 'detailScroll';
    const visible = Math.max(0, layout().rows - CHROME_ROWS - FRAME_ROWS);
    const last = Math.max(0, view().overlayLines - visible);
    const next = delta === 'top' ? 0 : delta === 'bottom' ? last : get()[key] + delta;
    set({ [key]: Math.max(0, Math.min(last, next)) });
  };

  const page = (): number => {
    const l = layout();
    const s = get();
    if (s.mode !== 'normal') return Math.max(PAGE_MIN, l.rows - 6);
    return Math.max(PAGE_MIN, (s.focus === 'logs' ? l.logRows : s.focus === 'activity' ? l.activityRows : l.listRows) - 1);
  };

  const move = (delta: number | 'top' | 'bottom'): void => {
    if (get().mode === 'normal') moveSelection(delta);
    else scrollOverlay(delta);
  };

  const approvalInFocus = (): ApprovalView | undefined => {
    const s = get();
    const approvals = deck.getState().approvals.filter((a) => a.status === 'pending');
    if (s.mode === 'detail' && s.detail) {
      const id = s.detail.id;
      return approvals.find((a) => a.runId === id || a.ticketId === id);
    }
    const item = selectedItem();
    if (s.focus !== 'queue' || !item) return undefined;
    if (item.kind === 'approval') return item.approval;
    if (item.kind === 'run') return approvals.find((a) => a.runId === item.run.id);
    return approvals.find((a) => a.ticketId === item.ticket.id);
  };

  const decide = (verb: 'approve' | 'reject'): void => {
    const a = approvalInFocus();
    if (!a) {
      notice('No approval selected: approvals are the ⚑ rows of the queue (2, then j/k)');
      return;
    }
    const typed = verb === 'approve' && (a.confirmText || a.target === 'production') ? (a.confirmText ?? a.ticketId ?? a.id) : undefined;
    const line = verb === 'approve' ? approveLine(a.id, typed) : `reject ${a.id}`;
    openDialog({
      title: `${verb === 'approve' ? 'Approve' : 'Reject'} ${a.id}?`,
      body: [a.summary, ...(a.detail ?? []), `target: ${a.target} · action: ${a.tool}${a.ticketId ? ` · ticket ${a.ticketId}` : ''}`],
      typed,
      buttons: [
        { label: 'Cancel', action: { kind: 'cancel' } },
        { label: verb === 'approve' ? 'Approve' : 'Reject', action: { kind: 'command', line }, danger: verb === 'reject' || Boolean(typed) },
      ],
    });
  };

  // The store's count of runs in flight; a command of ours not yet seen as a run counts too (the
  // larger of the two, since once seen it is both).
  const activeRunCount = (): number => Math.max(runningRunCount(deck.getState()), get().pending.length);

  const submit = (): void => {
    const raw = get().prompt.trim();
    if (!raw) {
      set({ mode: 'normal', promptError: null, promptHint: null });
      return;
    }
    const parsed = o.commands.parse(raw);
    if (!parsed.ok) {
      const extra = [parsed.suggestion, parsed.usage ? `usage: ${parsed.usage}` : ''].filter(Boolean).join(' · ');
      set({ promptError: `${parsed.error}${extra && !parsed.error.includes(extra) ? ` (${extra})` : ''}` });
      return;
    }
    const history = pushHistory(get().history, raw);
    if (history !== get().history) o.history?.append(raw, history);
    set({ history, historyIndex: null, historyDraft: '', prompt: '', cursor: null, promptError: null, promptHint: null, mode: 'normal' });
    const confirm = o.commands.confirmOf?.(raw) ?? null;
    if (confirm) {
      openDialog({
        title: `Run "${raw}"?`,
        body: [confirm.summary],
        typed: confirm.typed,
        buttons: [
          { label: 'Cancel', action: { kind: 'cancel' } },
          { label: 'Run', action: { kind: 'command', line: raw }, danger: true },
        ],
      });
      return;
    }
    void run(raw);
  };

  const setPromptFromOutside = (value: string): void => set({ prompt: value, promptError: null, cursor: null });

  /**
   * Text that reaches the prompt in one piece (keys typed ahead while the dashboard starts, a
   * paste) can hold line breaks: each finished line runs as if Enter followed it, until one needs
   * attention (a parse error, a confirmation); what follows the last break stays in the prompt.
   */
  const enterLines = (lines: readonly string[]): void => {
    const last = lines.at(-1) ?? '';
    const finished = lines.slice(0, -1);
    for (const [i, line] of finished.entries()) {
      set({ mode: 'prompt' });
      setPromptFromOutside(line);
      submit();
      if (get().mode !== 'normal') {
        const left = finished.length - i - 1 + (last.trim() ? 1 : 0);
        if (left > 0) notice(`${left} more typed line${left === 1 ? '' : 's'} not run: this one needs attention first`);
        return;
      }
    }
    if (!last) return;
    set({ mode: 'prompt', promptHint: null });
    setPromptFromOutside(last);
  };

  const jump = (direction: 1 | -1): void => {
    const s = get();
    if (!s.filter.trim()) {
      notice('No filter: press / and type agent:<name>, level:<level> or words, then n/N');
      return;
    }
    const lines = filtered();
    if (lines.length === 0) {
      notice(`No line matches "${s.filter}"`);
      return;
    }
    const rows = layout().logRows;
    let index: number;
    if (s.match === null) {
      const win = windowOf(lines, s.logAnchor, rows);
      index = direction === 1 ? win.start : win.end - 1;
    } else {
      const at = indexOfId(lines, s.match);
      index = at === -1 ? 0 : (at + direction + lines.length) % lines.length;
    }
    const id = lines[index]?.id ?? null;
    set({ match: id, logAnchor: revealAnchor(lines, s.logAnchor, rows, index), focus: 'logs', notice: `match ${index + 1} of ${lines.length}` });
  };

  const openDetail = (): void => {
    const s = get();
    const d = deck.getState();
    let target: UiState['detail'] = null;
    if (s.focus === 'queue') {
      const item = selectedItem();
      if (item?.kind === 'ticket') target = { kind: 'ticket', id: item.ticket.id };
      else if (item?.kind === 'run') target = { kind: 'run', id: item.run.id };
      else if (item?.kind === 'approval')
        target = item.approval.runId ? { kind: 'run', id: item.approval.runId } : item.approval.ticketId ? { kind: 'ticket', id: item.approval.ticketId } : null;
    } else if (s.focus === 'agents') {
      const kind = AGENT_KINDS[s.selection.agents];
      const agent = kind ? d.agents[kind] : undefined;
      if (agent?.runId) target = { kind: 'run', id: agent.runId };
    } else if (s.focus === 'logs' && s.match !== null) {
      const line = filtered().find((l) => l.id === s.match);
      if (line?.runId) target = { kind: 'run', id: line.runId };
      else if (line?.ticketId) target = { kind: 'ticket', id: line.ticketId };
    } else if (s.focus === 'activity') {
      const item = d.activity[s.selection.activity];
      const id = item?.text.match(TICKET_ID_IN_TEXT)?.[0];
      if (id) target = { kind: 'ticket', id };
    }
    if (!target) {
      notice('Nothing to open here: select a ticket or run in the queue (2) or a working agent (1)');
      return;
    }
    set({ detail: target, detailScroll: 0, mode: 'detail', previousMode: 'normal', notice: null });
  };

  /** Tab and Shift+Tab go round the panes on screen (a narrow terminal has no Recent activity). */
  const cycleFocus = (step: 1 | -1): void => {
    const shown = PANES.filter((p) => p !== 'activity' || layout().activityWidth > 0);
    const at = shown.indexOf(get().focus);
    set({ focus: shown[(at + step + shown.length) % shown.length] ?? 'queue' });
  };

  const showOutcome = (): void => {
    if (!get().outcome) {
      notice('No result yet: the last command\'s result opens here whole');
      return;
    }
    set({ detail: { kind: 'outcome', id: '' }, detailScroll: 0, mode: 'detail', previousMode: 'normal', notice: null });
  };

  const deploy = (): void => {
    const ticket = get().focus === 'queue' ? ticketOf(selectedItem()) : null;
    if (!ticket) {
      notice('Select a ticket in the queue first (2, then j/k), then press D');
      return;
    }
    openDialog({
      title: `Deploy ${ticket}?`,
      body: ['Staging runs the tests and the configured deploy commands.', 'Production asks you to type the ticket id, then waits for its approval.'],
      buttons: [
        { label: 'Cancel', action: { kind: 'cancel' } },
        { label: 'Staging', action: { kind: 'command', line: `deploy staging --ticket ${ticket}` } },
        {
          label: 'Production',
          danger: true,
          action: {
            kind: 'dialog',
            dialog: {
              title: `Deploy ${ticket} to PRODUCTION?`,
              body: ['This changes the live application.'],
              typed: ticket,
              buttons: [
                { label: 'Cancel', action: { kind: 'cancel' } },
                { label: 'Deploy to production', action: { kind: 'command', line: `deploy production --ticket ${ticket}` }, danger: true },
              ],
            },
          },
        },
      ],
    });
  };

  const lines = lineActions({ get, set, leave: () => actions.back('', []), enterLines: (l) => enterLines(l) });
  /** Ctrl+R's search ends with its match in the prompt before a key that works on the line. */
  const afterSearch =
    (fn: (input: string, keys: readonly string[]) => void) =>
    (input: string, keys: readonly string[]): void => {
      lines.acceptSearch();
      fn(input, keys);
    };

  const actions: InputActions = {
    ...lines,
    help: () => set({ mode: 'help', previousMode: get().mode, helpScroll: 0 }),
    refresh: () => {
      notice('refreshing…');
      const done = o.refresh ? o.refresh() : Promise.resolve();
      done.then(
        () => notice('refreshed'),
        (err: unknown) => notice(`refresh failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    },
    logs: () => set({ logsMaximized: !get().logsMaximized, focus: 'logs' }),
    deploy,
    focusNext: () => cycleFocus(1),
    focusPrev: () => cycleFocus(-1),
    focusPane: (input) => {
      const pane = PANES[Number.parseInt(input, 10) - 1];
      if (pane === 'activity' && layout().activityWidth === 0 && !get().logsMaximized) {
        notice(`Recent activity shows from ${ACTIVITY_MIN_COLUMNS} columns; its lines are in the log pane (3)`);
        return;
      }
      if (pane) set({ focus: pane, logsMaximized: pane === 'logs' ? get().logsMaximized : false });
    },
    down: () => move(1),
    up: () => move(-1),
    top: () => move('top'),
    bottom: () => move('bottom'),
    pageDown: () => move(page()),
    pageUp: () => move(-page()),
    open: openDetail,
    outcome: showOutcome,
    approve: () => decide('approve'),
    reject: () => decide('reject'),
    filter: () => set({ mode: 'filter', previousMode: 'normal', match: null, cursor: null }),
    nextMatch: () => jump(1),
    prevMatch: () => jump(-1),
    prompt: (input) => {
      const text = input.startsWith(':') ? input.slice(1) : input;
      const lines = text.split(LINE_BREAK);
      if (lines.length > 1) {
        enterLines(lines);
        return;
      }
      set({ mode: 'prompt', promptError: null, promptHint: null });
      setPromptFromOutside(text);
    },
    back: () => {
      const s = get();
      if (lines.cancelSearch()) return;
      switch (s.mode) {
        case 'prompt':
          set({ mode: 'normal', promptError: null, promptHint: null, historyIndex: null });
          break;
        case 'filter':
          set({ mode: 'normal', filter: '', match: null, logAnchor: null });
          break;
        case 'dialog':
          closeDialog();
          break;
        case 'help':
        case 'detail':
          set({ mode: 'normal' });
          break;
        default:
          set({ filter: '', match: null, notice: null, promptError: null, outcome: null });
      }
    },
    quit: () => {
      const active = activeRunCount();
      if (active === 0) {
        o.exit();
        return;
      }
      openDialog({
        title: `Quit while ${active} run${active === 1 ? ' is' : 's are'} active?`,
        body: ['Active runs are marked interrupted; "resume <run>" continues them later.'],
        buttons: [
          { label: 'Cancel', action: { kind: 'cancel' } },
          { label: 'Quit', action: { kind: 'quit' }, danger: true },
        ],
      });
    },
    quitNow: () => o.exit(),
    submitPrompt: afterSearch(submit),
    historyPrev: afterSearch(() => {
      const s = get();
      if (s.history.length === 0) return;
      const index = s.historyIndex === null ? s.history.length - 1 : Math.max(0, s.historyIndex - 1);
      set({ historyIndex: index, historyDraft: s.historyIndex === null ? s.prompt : s.historyDraft });
      setPromptFromOutside(s.history[index] ?? '');
    }),
    historyNext: afterSearch(() => {
      const s = get();
      if (s.historyIndex === null) return;
      const index = s.historyIndex + 1;
      if (index >= s.history.length) {
        set({ historyIndex: null });
        setPromptFromOutside(s.historyDraft);
      } else {
        set({ historyIndex: index });
        setPromptFromOutside(s.history[index] ?? '');
      }
    }),
    complete: afterSearch(() => {
      const s = get();
      const { line, candidates } = o.commands.complete(s.prompt);
      if (line !== s.prompt) setPromptFromOutside(line);
      if (candidates.length === 0) set({ promptHint: 'no completion here' });
      else if (candidates.length === 1) set({ promptHint: null });
      else set({ promptHint: `Tab: ${candidates.slice(0, 12).join(' · ')}${candidates.length > 12 ? ` · (+${candidates.length - 12})` : ''}` });
    }),
    applyFilter: () => {
      const text = get().filter;
      const f = parseFilter(text);
      if (f.error || isEmptyFilter(f) || !o.searchHistory) {
        set({ mode: 'normal', found: null, notice: f.error ? `filter: ${f.error}` : null });
        return;
      }
      // Applied, the filter searches the whole stored history, not only the lines in memory.
      const logs = deck.getState().logs;
      const stored = o.searchHistory(f, HISTORY_MATCHES);
      const found: FoundLogs = { filter: text, liveFrom: logs.at(-1)?.id ?? 0, ...withOlderPage([], stored, 0) };
      const n = stored.length;
      set({
        mode: 'normal',
        found,
        match: null,
        logAnchor: null,
        notice:
          n === 0
            ? `No stored line matches "${text}"`
            : `${found.more ? `the newest ${n.toLocaleString('en-US')}` : n.toLocaleString('en-US')} stored line${n === 1 ? '' : 's'} match; n/N step through them`,
      });
    },
    dialogToggle: (_input, keys) => {
      const d = get().dialog;
      if (!d) return;
      const back = keys.includes('S-tab') || keys.includes('left');
      const n = d.buttons.length;
      set({ dialog: { ...d, button: (d.button + (back ? n - 1 : 1)) % n, error: null } });
    },
    dialogPress: () => {
      const d = get().dialog;
      if (!d) return;
      const button = d.buttons[d.button];
      if (!button || button.action.kind === 'cancel') {
        closeDialog();
        return;
      }
      if (d.typed && d.input.trim() !== d.typed) {
        set({ dialog: { ...d, error: `Type ${d.typed} exactly to confirm (typed: "${d.input.trim()}")` } });
        return;
      }
      const action = button.action;
      closeDialog();
      if (action.kind === 'command') void run(action.line);
      else if (action.kind === 'quit') o.exit();
      else openDialog(action.dialog);
    },
  };

  return {
    ...actions,
    run,
    setPrompt: (value) => {
      const lines = value.split(LINE_BREAK);
      if (lines.length > 1) enterLines(lines);
      else set({ prompt: value, promptError: null, historyIndex: null, cursor: null });
    },
    setFilter: (value) => set({ filter: value, cursor: null, ...FILTER_EDITED }),
    setDialogInput: (value) => {
      const d = get().dialog;
      if (d) set({ dialog: { ...d, input: value, error: null }, cursor: null });
    },
  };
}
