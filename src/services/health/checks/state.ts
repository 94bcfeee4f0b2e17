// The console's own state db: opens (migrating when needed) and passes SQLite's quick check.
import { openState } from '../../state/db.js';
import { failing, ok, type HealthCheck } from '../types.js';

export const stateCheck: HealthCheck = {
  id: 'state',
  label: 'State db',
  run({ target }) {
    let state;
    try {
      state = openState(target.root);
      const check = state.db.prepare('PRAGMA quick_check').get() as { quick_check?: string } | undefined;
      const { n } = state.db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number };
      if (check?.quick_check !== 'ok') return Promise.resolve(failing(`${state.path}: ${check?.quick_check ?? 'quick_check gave no answer'}`));
      return Promise.resolve(ok(`${state.path} (${n} ticket${n === 1 ? '' : 's'})`));
    } catch (err) {
      return Promise.resolve(failing(`cannot open the state db: ${(err as Error).message}`));
    } finally {
      state?.close();
    }
  },
};
