// The fetch under the Management API client: per-request timeouts, the platform's rate limit
// headers (x-ratelimit-limit/remaining/reset, retry-after), back-off on 429, and retries of
// idempotent reads (GET) on 5xx and network errors. Non-idempotent calls are retried only on 429,
// which the platform answers before doing anything.
import { sleep as settle } from '../timers.js';

export interface ResilientFetchOptions {
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Per attempt. */
  readonly timeoutMs?: number;
  /** Retries of a GET on 5xx or a network error. */
  readonly readRetries?: number;
  /** Retries of any request answered 429. */
  readonly rateLimitRetries?: number;
  /** First back-off step; doubles each attempt, with jitter. */
  readonly backoffMs?: number;
  /** Longest wait for a rate limit reset; a longer one returns the 429 to the caller. */
  readonly maxWaitMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told about every wait (rate limit or back-off), for progress lines. */
  readonly onWait?: (info: { reason: 'rate_limit' | 'retry'; ms: number; attempt: number; status?: number }) => void;
  readonly now?: () => number;
  /** Shared with other clients of the same account, so they wait for one window together. */
  readonly rateLimit?: RateLimitState;
}

export interface RateLimitState {
  limit: number | null;
  remaining: number | null;
  /** Epoch ms when the window resets, when known. */
  resetAt: number | null;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Waits `ms`; rejects with the signal's reason when `signal` aborts (before or during the wait). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await settle(ms, signal);
  signal?.throwIfAborted();
}

/**
 * `x-ratelimit-reset` and `retry-after` in milliseconds from now. Small numbers are seconds to
 * wait; numbers that look like epoch seconds are a moment; an HTTP date is a moment too.
 */
export function resetDelayMs(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  if (Number.isFinite(n)) {
    if (n > 1e12) return Math.max(0, n - now); // epoch ms
    if (n > 1e9) return Math.max(0, n * 1000 - now); // epoch seconds
    return Math.max(0, n * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * `pending`, or a rejection with the signal's reason as soon as it aborts. Node's fetch does not
 * always honour an abort: a request queued on an origin whose earlier requests were aborted
 * unanswered can stay pending after its signal fired, until the server drops the connection
 * (seen with a platform that never answered three requests in a row). The timeout must not
 * depend on that.
 */
export function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    pending.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

export interface ResilientFetch {
  (request: Request): Promise<Response>;
  readonly rateLimit: Readonly<RateLimitState>;
}

export function createResilientFetch(options: ResilientFetchOptions = {}): ResilientFetch {
  const doFetch = options.fetch ?? ((r: Request) => fetch(r));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const readRetries = options.readRetries ?? 3;
  const rateLimitRetries = options.rateLimitRetries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const maxWaitMs = options.maxWaitMs ?? 65_000;
  const wait = options.sleep ?? sleep;
  const now = options.now ?? Date.now;
  const rate: RateLimitState = options.rateLimit ?? { limit: null, remaining: null, resetAt: null };

  const record = (res: Response): void => {
    const limit = Number(res.headers.get('x-ratelimit-limit'));
    const remaining = res.headers.get('x-ratelimit-remaining');
    const reset = resetDelayMs(res.headers.get('x-ratelimit-reset'), now());
    if (Number.isFinite(limit) && limit > 0) rate.limit = limit;
    if (remaining !== null && Number.isFinite(Number(remaining))) rate.remaining = Number(remaining);
    if (reset !== null) rate.resetAt = now() + reset;
  };

  const backoff = (attempt: number): number => Math.round(backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5));

  const run = async (request: Request): Promise<Response> => {
    const idempotent = request.method === 'GET' || request.method === 'HEAD';
    const outer = request.signal;
    let retries = 0;
    let limited = 0;
    for (;;) {
      // The window is spent: wait for its reset instead of earning a 429.
      if (rate.remaining === 0 && rate.resetAt !== null && rate.resetAt > now()) {
        const ms = rate.resetAt - now();
        if (ms <= maxWaitMs) {
          options.onWait?.({ reason: 'rate_limit', ms, attempt: limited });
          await wait(ms, outer);
        }
        rate.remaining = null;
      }
      // One controller with its own timer, not AbortSignal.any over AbortSignal.timeout: a composite
      // signal no one else references can be collected before its timeout fires, and then a request
      // that never answers hangs for ever (seen under load). The timer stays armed for the body too.
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
      timer.unref?.();
      const forward = (): void => timeout.abort(outer.reason);
      if (outer.aborted) forward();
      else outer.addEventListener('abort', forward, { once: true });
      let response: Response;
      try {
        response = await untilAborted(doFetch(new Request(request.clone(), { signal: timeout.signal })), timeout.signal);
      } catch (error) {
        clearTimeout(timer);
        outer.removeEventListener('abort', forward);
        if (outer.aborted) throw error;
        const failure = timeout.signal.aborted ? timeout.signal.reason : error;
        if (idempotent && retries < readRetries) {
          const ms = backoff(retries++);
          options.onWait?.({ reason: 'retry', ms, attempt: retries });
          await wait(ms, outer);
          continue;
        }
        throw failure;
      }
      outer.removeEventListener('abort', forward);
      record(response);
      if (response.status === 429 && limited < rateLimitRetries) {
        const ms =
          resetDelayMs(response.headers.get('retry-after'), now()) ??
          resetDelayMs(response.headers.get('x-ratelimit-reset'), now()) ??
          backoff(limited);
        if (ms <= maxWaitMs) {
          limited++;
          await response.body?.cancel();
          options.onWait?.({ reason: 'rate_limit', ms, attempt: limited, status: 429 });
          await wait(ms, outer);
          rate.remaining = null;
          continue;
        }
      }
      if (response.status >= 500 && idempotent && retries < readRetries) {
        await response.body?.cancel();
        const ms = backoff(retries++);
        options.onWait?.({ reason: 'retry', ms, attempt: retries, status: response.status });
        await wait(ms, outer);
        continue;
      }
      return response;
    }
  };
  return Object.assign(run, { rateLimit: rate });
}
