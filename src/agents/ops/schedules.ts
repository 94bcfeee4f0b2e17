// Local backup schedules: daily UTC times kept in the state db (kv `ops.backup.schedules`),
// due when their time of day has passed since their last run.
import { getKv, setKv } from '../../services/state/kv.js';
import type { StateDb } from '../../services/state/db.js';

export const SCHEDULES_KEY = 'ops.backup.schedules';

export interface LocalSchedule {
  /** `HH:MM`, UTC. */
  readonly time: string;
  /** How many scheduled backups to keep; null keeps all. */
  readonly keep: number | null;
  readonly createdAt: string;
  readonly lastRunAt: string | null;
  readonly lastBackupId?: string | null;
  readonly lastError?: string | null;
}

export function listSchedules(state: StateDb): LocalSchedule[] {
  const list = getKv<LocalSchedule[]>(state, SCHEDULES_KEY, []);
  return Array.isArray(list) ? [...list].sort((a, b) => a.time.localeCompare(b.time)) : [];
}

/** Adds a schedule, or updates `keep` of the one at that time. Returns it and whether it is new. */
export function upsertSchedule(state: StateDb, time: string, keep: number | null, now = new Date()): { schedule: LocalSchedule; created: boolean } {
  return state.tx(() => {
    const list = listSchedules(state);
    const existing = list.find((s) => s.time === time);
    const schedule: LocalSchedule = existing ? { ...existing, keep: keep ?? existing.keep } : { time, keep, createdAt: now.toISOString(), lastRunAt: null };
    setKv(state, SCHEDULES_KEY, [...list.filter((s) => s.time !== time), schedule]);
    return { schedule, created: !existing };
  });
}

export function recordRun(state: StateDb, time: string, at: Date, result: { backupId?: string; error?: string }): void {
  state.tx(() => {
    const list = listSchedules(state).map((s) =>
      s.time === time ? { ...s, lastRunAt: at.toISOString(), lastBackupId: result.backupId ?? null, lastError: result.error ?? null } : s,
    );
    setKv(state, SCHEDULES_KEY, list);
  });
}

/** The most recent moment at or before `now` when this schedule's time of day came (UTC). */
export function lastSlot(time: string, now: Date): Date {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m));
  if (slot.getTime() > now.getTime()) slot.setUTCDate(slot.getUTCDate() - 1);
  return slot;
}

/**
 * Due: its last slot came after its last run (or after it was created, for a new schedule, so
 * creating one at 10:00 for 03:30 does not fire at once).
 */
export function isDue(s: LocalSchedule, now: Date): boolean {
  const slot = lastSlot(s.time, now).getTime();
  const since = Date.parse(s.lastRunAt ?? s.createdAt);
  return slot > since;
}
