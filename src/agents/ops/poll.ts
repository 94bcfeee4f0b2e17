// Follows an asynchronous platform operation (restore, network apply, replica setup) until it
// finishes or fails, with a progress line in the dashboard at every poll.
import { CommandError, type CommandContext } from '../types.js';
import { sleep } from '../../services/supabase/resilient-fetch.js';
import { progress } from './context.js';

export interface PollState {
  readonly done: boolean;
  readonly failed?: boolean;
  /** What the platform says now: `RESTORING`, `stored`... */
  readonly status: string;
}

export interface PollOptions {
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
}

/** Poll interval and limit: AGENTDECK_POLL_MS / AGENTDECK_POLL_TIMEOUT_MS, else 5 s and 30 min. */
export function pollSettings(env: Readonly<Record<string, string | undefined>> = process.env): Required<PollOptions> {
  const n = (v: string | undefined, d: number): number => (v && Number.isFinite(Number(v)) && Number(v) >= 0 ? Number(v) : d);
  return { intervalMs: n(env.AGENTDECK_POLL_MS, 5000), timeoutMs: n(env.AGENTDECK_POLL_TIMEOUT_MS, 30 * 60_000) };
}

export async function pollUntil(
  ctx: CommandContext,
  operation: string,
  check: () => Promise<PollState>,
  options: PollOptions = {},
): Promise<PollState> {
  const { intervalMs, timeoutMs } = { ...pollSettings(), ...options };
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const state = await check();
    const elapsedMs = Date.now() - started;
    const info = { operation, status: state.status, attempt, elapsedMs, done: state.done, failed: state.failed ?? false };
    if (state.failed) {
      progress(ctx, 'error', `${operation}: ${state.status}`, { progress: info });
      return state;
    }
    if (state.done) {
      progress(ctx, 'success', `${operation}: ${state.status} after ${Math.round(elapsedMs / 1000)} s`, { progress: info });
      return state;
    }
    progress(ctx, 'info', `${operation}: ${state.status} (check ${attempt}, ${Math.round(elapsedMs / 1000)} s)`, { progress: info });
    if (elapsedMs + intervalMs > timeoutMs) {
      throw new CommandError(
        'poll_timeout',
        `${operation} is still ${state.status} after ${Math.round(elapsedMs / 60_000)} min; it goes on on the platform: check it later with the dashboard`,
      );
    }
    await sleep(intervalMs, ctx.signal);
  }
}
