// The last guard settings a person confirmed, kept in the state db (kv), so that a hand edit of
// agentdeck.config.json (or a write by anything else) that lowers a guard is noticed and held back
// until a person confirms it with `agents update config` and its approval. The first time a project
// is opened there is nothing to compare with: its settings are recorded as they are.
import { effectiveGuards, guardsOf, loweredGuards, withGuards, type GuardChange, type GuardSettings } from '../../services/config/guards.js';
import type { ProjectConfig } from '../../services/config/schema.js';
import type { StateDb } from '../../services/state/db.js';
import { getKv, setKv } from '../../services/state/kv.js';

const KEY = 'guards:confirmed';

export function confirmedGuards(state: StateDb): GuardSettings | null {
  return getKv<GuardSettings | null>(state, KEY, null);
}

export function confirmGuards(state: StateDb, guards: GuardSettings): void {
  setKv(state, KEY, guards);
}

export interface GuardedConfig<C extends ProjectConfig> {
  /** The settings in force: the file's, with every lowered guard at its confirmed value. */
  readonly config: C;
  /** What the file lowers and is held back. */
  readonly lowered: readonly GuardChange[];
}

/**
 * The config in force for `config` as read from the file. Records the file's guards when nothing was
 * confirmed yet, and records raises (so lowering them later is noticed too).
 */
export function guardedConfig<C extends ProjectConfig>(state: StateDb, config: C): GuardedConfig<C> {
  const file = guardsOf(config);
  const confirmed = confirmedGuards(state);
  if (!confirmed) {
    confirmGuards(state, file);
    return { config: withGuards(config, effectiveGuards(file, file)), lowered: [] };
  }
  const lowered = loweredGuards(confirmed, file);
  const effective = effectiveGuards(confirmed, file);
  // A raise in the file is confirmed at once: raising needs nobody's approval.
  if (JSON.stringify(effective) !== JSON.stringify(confirmed)) confirmGuards(state, effective);
  return { config: withGuards(config, effective), lowered };
}
