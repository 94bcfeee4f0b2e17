// The state db from a handler: the engine's own connection when the context was built by the
// engine, otherwise a short-lived one (opening costs a few ms).
import { openState, type StateDb } from '../../services/state/db.js';
import { engineOf } from '../orchestrator/internals.js';
import type { CommandContext } from '../types.js';

function engineState(ctx: CommandContext): StateDb | null {
  try {
    return engineOf(ctx).state;
  } catch {
    return null;
  }
}

export function withState<T>(where: CommandContext | string, fn: (state: StateDb) => T): T {
  const shared = typeof where === 'string' ? null : engineState(where);
  if (shared && shared.db.isOpen) return fn(shared);
  const state = openState(typeof where === 'string' ? where : where.root);
  try {
    return fn(state);
  } finally {
    state.close();
  }
}
