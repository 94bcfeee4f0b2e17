// The outbox's health line: emails that failed or wait too long show in the header's light.
import type { HealthCheck } from '../health/types.js';
import { failing, ok } from '../health/types.js';
import { openState } from '../state/db.js';

/** A row still pending after this long means delivery is stuck (Resend down, bad network). */
export const STUCK_AFTER_MS = 15 * 60_000;
/** Failures older than this no longer count against the light. */
export const RECENT_MS = 24 * 60 * 60_000;

export function outboxCheck(now: () => number = Date.now): HealthCheck {
  return {
    id: 'outbox',
    label: 'Email outbox',
    run({ target }) {
      let state;
      try {
        state = openState(target.root);
        const since = new Date(now() - RECENT_MS).toISOString();
        const stuckBefore = new Date(now() - STUCK_AFTER_MS).toISOString();
        const count = (sql: string, ...params: string[]): number => (state!.db.prepare(sql).get(...params) as { n: number }).n;
        const failed = count(`SELECT count(*) AS n FROM outbox WHERE status = 'failed' AND created_at >= ?`, since);
        const stuck = count(`SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending') AND created_at < ?`, stuckBefore);
        const waiting = count(`SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')`);
        const sent = count(`SELECT count(*) AS n FROM outbox WHERE status = 'sent' AND created_at >= ?`, since);
        if (failed > 0) {
          const last = state.db.prepare(`SELECT last_error FROM outbox WHERE status = 'failed' ORDER BY created_at DESC LIMIT 1`).get() as { last_error: string | null };
          return Promise.resolve(failing(`${failed} email${failed === 1 ? '' : 's'} failed in the last 24 h (last: ${last.last_error ?? 'no reason'})`));
        }
        if (stuck > 0) return Promise.resolve(failing(`${stuck} email${stuck === 1 ? '' : 's'} waiting for more than 15 min (still retried)`));
        return Promise.resolve(ok(`${sent} sent in the last 24 h${waiting > 0 ? `, ${waiting} being retried` : ''}`));
      } catch (err) {
        return Promise.resolve(failing(`cannot read the outbox: ${(err as Error).message}`));
      } finally {
        state?.close();
      }
    },
  };
}
