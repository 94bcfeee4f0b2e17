// The line-editing actions of the keymap, on whichever line has the keyboard: the prompt, the log
// filter, or a dialog's typed confirmation (one at a time, so one cursor). Ctrl+R searches the
// prompt's persisted history the way readline's reverse-i-search does.
import { FILTER_EDITED, type UiState } from '../state/ui-store.js';
import { edits, printable, type EditName } from './line.js';

const LINE_BREAK = /\r\n|\r|\n/;

export interface LineHooks {
  get(): UiState;
  set(patch: Partial<UiState>): void;
  /** Leaves the line's mode (Ctrl+D on an empty line, as Esc does). */
  leave(): void;
  /** The prompt's text holding line breaks (typed ahead, pasted): each line runs as if entered. */
  enterLines(lines: readonly string[]): void;
}

interface Field {
  readonly text: string;
  /** Line breaks mean something here (the prompt runs each line). */
  readonly multiline: boolean;
  write(text: string, cursor: number): void;
}

export const EDIT_ACTIONS = [
  'lineStart',
  'lineEnd',
  'charLeft',
  'charRight',
  'wordLeft',
  'wordRight',
  'deleteForward',
  'killLineStart',
  'killLineEnd',
  'killWordBack',
  'killWordBackAlnum',
  'killWordForward',
] as const satisfies readonly Exclude<EditName, 'insert'>[];

export function lineActions(h: LineHooks) {
  // readline's kill ring, one entry deep: what Ctrl+U/K/W, Alt+D or Alt+Backspace cut last.
  let killed = '';

  const field = (): Field | null => {
    const s = h.get();
    if (s.mode === 'prompt') {
      return {
        text: s.prompt,
        multiline: true,
        write: (text, cursor) => h.set({ prompt: text, cursor, promptError: null, ...(text !== s.prompt ? { historyIndex: null } : {}) }),
      };
    }
    if (s.mode === 'filter') return { text: s.filter, multiline: false, write: (text, cursor) => h.set({ filter: text, cursor, ...FILTER_EDITED }) };
    const d = s.dialog;
    if (s.mode === 'dialog' && d?.typed !== undefined) {
      return { text: d.input, multiline: false, write: (text, cursor) => h.set({ dialog: { ...d, input: text, error: null }, cursor }) };
    }
    return null;
  };

  const cursorIn = (text: string): number => {
    const c = h.get().cursor;
    return c === null ? text.length : Math.min(c, text.length);
  };

  const apply = (name: Exclude<EditName, 'insert'>): void => {
    accept();
    const f = field();
    if (!f) return;
    const out = edits[name]({ text: f.text, cursor: cursorIn(f.text) });
    if (out.killed) killed = out.killed;
    f.write(out.text, out.cursor);
  };

  // ---- Ctrl+R ----
  const find = (query: string, from: number): number | null => {
    const { history } = h.get();
    for (let i = Math.min(from, history.length - 1); i >= 0; i--) if (history[i]!.includes(query)) return i;
    return null;
  };

  /** Ends a search with its match in the prompt (an editing key, Enter, ↑ ↓). */
  function accept(): void {
    const s = h.get().search;
    if (!s) return;
    const found = s.index === null ? s.original : (h.get().history[s.index] ?? s.original);
    h.set({ search: null, prompt: found, cursor: null, historyIndex: null });
  }

  const searchType = (text: string): void => {
    const s = h.get().search!;
    const query = s.query + printable(text).replace(LINE_BREAK, '');
    h.set({ search: { ...s, query, index: find(query, s.index ?? h.get().history.length - 1) } });
  };

  const insert = (text: string): boolean => {
    if (h.get().search) {
      searchType(text);
      return true;
    }
    const f = field();
    if (!f) return false;
    const at = cursorIn(f.text);
    // A tab inside typed text is a space (Tab alone completes); line breaks run lines at the prompt.
    const kept = printable(text).replace(/\t/g, ' ');
    const typed = f.multiline ? kept : kept.replace(/\r\n|\r|\n/g, ' ');
    const value = f.text.slice(0, at) + typed + f.text.slice(at);
    const lines = value.split(LINE_BREAK);
    if (f.multiline && lines.length > 1) h.enterLines(lines);
    else f.write(value, at + typed.length);
    return true;
  };

  return {
    insert,
    /** Ends a search with its match in the prompt; nothing when none runs. */
    acceptSearch: accept,
    /** Ends a search with the line as it was before; false when none runs. */
    cancelSearch(): boolean {
      const s = h.get().search;
      if (!s) return false;
      h.set({ search: null, prompt: s.original, cursor: null });
      return true;
    },
    ...(Object.fromEntries(EDIT_ACTIONS.map((name) => [name, () => apply(name)])) as Record<(typeof EDIT_ACTIONS)[number], () => void>),
    deleteBack(): void {
      const s = h.get().search;
      if (s) {
        const query = s.query.slice(0, -1);
        h.set({ search: { ...s, query, index: query ? find(query, h.get().history.length - 1) : null } });
        return;
      }
      apply('deleteBack');
    },
    eofOrDelete(): void {
      accept();
      const f = field();
      if (f && f.text === '') h.leave();
      else apply('deleteForward');
    },
    yank(): void {
      accept();
      if (killed) insert(killed);
    },
    reverseSearch(): void {
      const s = h.get();
      if (!s.search) {
        h.set({ search: { query: '', index: null, original: s.prompt } });
        return;
      }
      if (!s.search.query) return;
      const older = s.search.index === null ? null : find(s.search.query, s.search.index - 1);
      if (older !== null) h.set({ search: { ...s.search, index: older } });
    },
  };
}
