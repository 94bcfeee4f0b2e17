// The command registry as the dashboard uses it: parse (errors shown before anything runs), Tab
// completion, which commands ask for a confirmation first, and the commands part of the help.
// The dashboard loads this module after its first frame (the registry builds every command's
// schema when it loads).
import { parse } from '../commands/parse.js';
import { applyCompletion, complete } from '../commands/complete.js';
import { renderOverview } from '../commands/help.js';
import { TICKET_ID_IN_TEXT } from '../services/state/tickets.js';
import type { CommandsApi } from './controller.js';

const TICKET_LIKE = new RegExp(TICKET_ID_IN_TEXT.source, 'i');

/**
 * Destructive commands that no approval policy governs ask in a dialog before they run (Cancel
 * focused); those marked `confirm: 'typed'` make you type the ticket id they name. Commands with
 * an approval policy are gated by the engine's approval instead (answered with a/x).
 */
export function confirmOf(line: string): { typed?: string; summary: string } | null {
  const parsed = parse(line);
  if (!parsed.ok || parsed.kind !== 'command') return null;
  const spec = parsed.command.spec;
  if (!spec.destructive || spec.approval) return null;
  const ticket = TICKET_LIKE.exec(parsed.command.raw)?.[0]?.toUpperCase();
  return {
    summary: `${spec.summary}: this destroys or overwrites data.`,
    typed: spec.confirm === 'typed' ? ticket : undefined,
  };
}

export function defaultCommands(): CommandsApi {
  return {
    parse,
    complete: (line) => {
      const c = complete(line);
      return { line: applyCompletion(line, c), candidates: c.candidates };
    },
    confirmOf,
    overview: (width) => renderOverview(width),
  };
}
