// The engine's own state db connection for a handler's context, when the context was built by the
// engine and that connection is still open.
import type { StateDb } from '../services/state/db.js';
import { engineOf } from './orchestrator/internals.js';
import type { CommandContext } from './types.js';

/** The engine's open state db behind `ctx`, or null (no engine, or its connection is closed). */
export function engineState(ctx: CommandContext): StateDb | null {
  try {
    const state = engineOf(ctx).state;
    return state.db.isOpen ? state : null;
  } catch {
    return null;
  }
}
