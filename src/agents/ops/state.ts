// The state db from an Ops handler: the engine's own connection when the context was built by the
// engine, otherwise one opened for the call (and closed after it, also after async work).
import { openState, type StateDb } from '../../services/state/db.js';
import { engineState } from '../state.js';
import type { CommandContext } from '../types.js';

export async function withOpsState<T>(where: CommandContext | string, fn: (state: StateDb) => T | Promise<T>): Promise<T> {
  const shared = typeof where === 'string' ? null : engineState(where);
  if (shared) return fn(shared);
  const state = openState(typeof where === 'string' ? where : where.root);
  try {
    return await fn(state);
  } finally {
    state.close();
  }
}
