// The delivery loop over the outbox. Each attempt reuses the row's idempotency key, so a retry
// after a lost response never sends a second email; validation errors end the row at once.
import type { StateDb } from '../state/db.js';
import { claimDue, markFailed, markRetry, markSent, nextDueAt } from './outbox-store.js';
import type { MailTransport, OutboxEmail } from './types.js';
import { sleep } from '../timers.js';

export interface DeliveryOptions {
  readonly transport: MailTransport;
  /** Attempts before a row ends 'failed' with its last reason. */
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxDelayMs, with jitter. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** The longest `retry-after` honoured (a longer one is capped). */
  readonly maxRetryAfterMs?: number;
  /** How long a claimed row stays ours before another worker may take it. */
  readonly leaseMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Only these rows (the `email` command waits for its own row). */
  readonly ids?: readonly string[];
  /** Told about each finished attempt (for log lines). */
  readonly onAttempt?: (email: OutboxEmail, result: AttemptResult) => void;
}

export type AttemptResult =
  | { readonly kind: 'sent'; readonly providerId: string }
  | { readonly kind: 'retry'; readonly reason: string; readonly at: number }
  | { readonly kind: 'failed'; readonly reason: string };

export interface PassSummary {
  sent: number;
  retried: number;
  failed: number;
}

export const DELIVERY_DEFAULTS = {
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
  leaseMs: 60_000,
} as const;

export function backoffMs(attempt: number, options: DeliveryOptions, random = options.random ?? Math.random): number {
  const base = options.baseDelayMs ?? DELIVERY_DEFAULTS.baseDelayMs;
  const max = options.maxDelayMs ?? DELIVERY_DEFAULTS.maxDelayMs;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  // Full jitter on the upper half: spreads workers that failed together.
  return Math.round(raw / 2 + (raw / 2) * random());
}

/** One pass: claims every due row and attempts each once. */
export async function deliverDue(state: StateDb, options: DeliveryOptions): Promise<PassSummary> {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts;
  const summary: PassSummary = { sent: 0, retried: 0, failed: 0 };
  const claimed = claimDue(state, {
    now: now(),
    leaseMs: options.leaseMs ?? DELIVERY_DEFAULTS.leaseMs,
    limit: 50,
    ...(options.ids ? { ids: options.ids } : {}),
  });
  for (const email of claimed) {
    let outcome;
    try {
      outcome = await options.transport.send(email);
    } catch (error) {
      // A transport is not supposed to throw; treat it as a transient failure.
      outcome = { kind: 'retry' as const, reason: `unexpected error: ${(error as Error).message}` };
    }
    let result: AttemptResult;
    if (outcome.kind === 'sent') {
      markSent(state, email.id, outcome.providerId, now());
      summary.sent++;
      result = outcome;
    } else if (outcome.kind === 'failed') {
      markFailed(state, email.id, outcome.reason);
      summary.failed++;
      result = outcome;
    } else if (email.attempts >= maxAttempts) {
      const reason = `gave up after ${email.attempts} attempts: ${outcome.reason}`;
      markFailed(state, email.id, reason);
      summary.failed++;
      result = { kind: 'failed', reason };
    } else {
      const cap = options.maxRetryAfterMs ?? DELIVERY_DEFAULTS.maxRetryAfterMs;
      const delay = outcome.retryAfterMs !== undefined ? Math.min(cap, outcome.retryAfterMs) : backoffMs(email.attempts, options);
      const at = now() + delay;
      markRetry(state, email.id, at, outcome.reason);
      summary.retried++;
      result = { kind: 'retry', reason: outcome.reason, at };
    }
    options.onAttempt?.(email, result);
  }
  return summary;
}

export interface DrainOptions extends DeliveryOptions {
  /** Stop waiting after this long; rows still pending stay in the outbox for the next worker. */
  readonly timeoutMs: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
}

export { sleep };

/** Delivers until nothing is pending (or the time is up); returns the totals. */
export async function drain(state: StateDb, options: DrainOptions): Promise<PassSummary & { pending: boolean }> {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const deadline = now() + options.timeoutMs;
  const total: PassSummary = { sent: 0, retried: 0, failed: 0 };
  for (;;) {
    const pass = await deliverDue(state, options);
    total.sent += pass.sent;
    total.retried += pass.retried;
    total.failed += pass.failed;
    const due = nextDueAt(state, options.ids);
    if (due === null) return { ...total, pending: false };
    if (options.signal?.aborted || due > deadline) return { ...total, pending: true };
    const ms = due - now();
    if (ms > 0) await wait(ms, options.signal);
  }
}
