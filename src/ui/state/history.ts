// Prompt history kept across sessions in `<root>/.agentdeck/history`, one command per line.
// Secrets are redacted before a line is written (token shapes, and configured values).
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRedactor, type Redactor } from '../../services/secrets/redact.js';

export const HISTORY_LIMIT = 500;

export function historyPath(root: string): string {
  return join(root, '.agentdeck', 'history');
}

export function loadHistory(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.trim()).slice(-HISTORY_LIMIT);
}

export interface HistoryFile {
  /** Appends a line (redacted); the file is trimmed when it grows past twice the limit. */
  append(line: string, all: readonly string[]): void;
}

export function historyFile(path: string, redact: Redactor = createRedactor()): HistoryFile {
  return {
    append(line, all) {
      try {
        mkdirSync(dirname(path), { recursive: true });
        if (all.length > HISTORY_LIMIT * 2) writeFileSync(path, `${all.slice(-HISTORY_LIMIT).map(redact).join('\n')}\n`);
        else appendFileSync(path, `${redact(line)}\n`);
      } catch {
        // History is a convenience: a read-only project must not break the prompt.
      }
    },
  };
}

/** Adds a line to the in-memory history, skipping a repeat of the last one. */
export function pushHistory(history: readonly string[], line: string): readonly string[] {
  if (history[history.length - 1] === line) return history;
  const next = [...history, line];
  return next.length > HISTORY_LIMIT * 2 ? next.slice(-HISTORY_LIMIT) : next;
}
