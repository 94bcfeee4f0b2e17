// Named resource locks in the state db (`db:<target>`, `worktree:<ticket>`, `deploy:<env>`), so
// conflicting operations queue across processes. A lock whose holding process is dead, or whose
// run has ended, is stale and taken over.
import { pidAlive } from '../../services/process.js';
import type { StateDb } from '../../services/state/db.js';
import { ACTIVE_STATUSES, runStatus } from './runs-repo.js';
import { sleep } from '../../services/timers.js';
import { CommandError } from '../types.js';

export interface LockHolder {
  readonly name: string;
  readonly holder: string;
  readonly pid: number;
  readonly runId: string | null;
  readonly acquiredAt: string;
}

export function lockHolder(state: StateDb, name: string): LockHolder | null {
  const r = state.stmt('SELECT * FROM locks WHERE name = ?').get(name) as Record<string, string | number | null> | undefined;
  if (!r) return null;
  return { name, holder: r.holder as string, pid: r.pid as number, runId: (r.run_id as string | null) ?? null, acquiredAt: r.acquired_at as string };
}

function isStale(state: StateDb, h: LockHolder): boolean {
  if (!pidAlive(h.pid)) return true;
  if (h.runId === null) return false;
  const status = runStatus(state, h.runId);
  return status === null || !ACTIVE_STATUSES.includes(status);
}

/** Takes the lock when free, stale or already ours; returns the current holder when it is not. */
export function tryAcquire(state: StateDb, name: string, holder: string, runId: string | null): { ok: true } | { ok: false; holder: LockHolder } {
  return state.tx(() => {
    const current = lockHolder(state, name);
    if (current && current.holder !== holder && !isStale(state, current)) return { ok: false as const, holder: current };
    state.db
      .prepare('INSERT OR REPLACE INTO locks (name, holder, pid, run_id, acquired_at) VALUES (?, ?, ?, ?, ?)')
      .run(name, holder, process.pid, runId, current?.holder === holder ? current.acquiredAt : new Date().toISOString());
    return { ok: true as const };
  });
}

export function release(state: StateDb, name: string, holder: string): void {
  state.stmt('DELETE FROM locks WHERE name = ? AND holder = ?').run(name, holder);
}

export function releaseAllOf(state: StateDb, holder: string): void {
  state.stmt('DELETE FROM locks WHERE holder = ?').run(holder);
}

export function listLocks(state: StateDb): LockHolder[] {
  return (state.stmt('SELECT name FROM locks ORDER BY acquired_at').all() as { name: string }[])
    .map((r) => lockHolder(state, r.name))
    .filter((h): h is LockHolder => h !== null);
}

export interface WaitOptions {
  readonly signal: AbortSignal;
  /** Called once when the lock is found held, with who holds it. */
  readonly onWait?: (holder: LockHolder) => void;
  readonly pollMs?: number;
  /** Gives up after this long waiting for one lock (default: waits until stopped). */
  readonly timeoutMs?: number;
}

/** How a lock holder reads in a line: its run, or the process of a command without one. */
export function holderLabel(h: LockHolder): string {
  return h.runId ?? `process ${h.pid}`;
}

/** Waiting for a lock ran past its bound. */
export class LockTimeout extends CommandError {
  constructor(readonly lock: string, readonly holder: LockHolder, readonly waitedMs: number) {
    super('lock_timeout', `gave up waiting for ${lock} held by ${holderLabel(holder)} after ${formatWait(waitedMs)}; run it again once ${holderLabel(holder)} has finished (see \`status\`)`);
    this.name = 'LockTimeout';
  }
}

function formatWait(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/**
 * Acquires every named lock, in name order (so two runs never wait on each other in a cycle),
 * waiting while another live holder has one. Returns a release function, which releases only
 * the locks this call took: a lock the holder already had (a run holding `deploy:staging` for its
 * whole deploy, then a step asking for it again) stays held by its first taker.
 */
export async function acquireAll(state: StateDb, names: readonly string[], holder: string, runId: string | null, options: WaitOptions): Promise<() => void> {
  const sorted = [...new Set(names)].sort();
  const taken: string[] = [];
  const releaseTaken = (): void => {
    for (const n of taken.reverse()) release(state, n, holder);
  };
  try {
    for (const name of sorted) {
      if (lockHolder(state, name)?.holder === holder) continue;
      let delay = options.pollMs ?? 25;
      let told = false;
      const since = Date.now();
      for (;;) {
        if (options.signal.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('cancelled');
        const got = tryAcquire(state, name, holder, runId);
        if (got.ok) break;
        if (!told) {
          told = true;
          options.onWait?.(got.holder);
        }
        const waited = Date.now() - since;
        if (options.timeoutMs !== undefined && waited >= options.timeoutMs) throw new LockTimeout(name, got.holder, waited);
        await sleep(options.timeoutMs === undefined ? delay : Math.min(delay, Math.max(options.timeoutMs - waited, 1)), options.signal);
        delay = Math.min(delay * 2, 500);
      }
      taken.push(name);
    }
  } catch (error) {
    releaseTaken();
    throw error;
  }
  return releaseTaken;
}

export { sleep };
