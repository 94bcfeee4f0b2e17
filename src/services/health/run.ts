// Runs every health check in parallel, each with its own time limit; one slow or broken
// check never hides the others. Details pass through redaction: a reason never shows a secret.
import { collectSecrets } from '../config/secrets.js';
import { createRedactor } from '../secrets/redact.js';
import { healthChecks } from './registry.js';
import type { HealthCheck, HealthReport, HealthResult, HealthTarget } from './types.js';

export const DEFAULT_HEALTH_TIMEOUT_MS = 5_000;
const MAX_DETAIL = 300;

export interface HealthOptions {
  readonly timeoutMs?: number;
  readonly checks?: readonly HealthCheck[];
  readonly fetch?: typeof fetch;
  /** Secret values to redact from the details (the project's `secrets`). */
  readonly secrets?: readonly string[];
  readonly signal?: AbortSignal;
}

export async function runHealth(target: HealthTarget, options: HealthOptions = {}): Promise<HealthReport> {
  const checks = options.checks ?? healthChecks();
  const timeoutMs = options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const redact = createRedactor([...(options.secrets ?? []), ...collectSecrets(definedValues(target.env))]);
  const settled = await Promise.allSettled(checks.map((c) => runOne(c, target, timeoutMs, options)));
  const results: HealthResult[] = settled.map((s, i) => {
    const check = checks[i] as HealthCheck;
    const r: HealthResult =
      s.status === 'fulfilled'
        ? s.value
        : { id: check.id, label: check.label, status: 'failing', detail: errorLine(s.reason), ms: 0 };
    return { ...r, detail: clip(redact(r.detail)) };
  });
  return { ok: results.every((r) => r.status !== 'failing'), results };
}

async function runOne(check: HealthCheck, target: HealthTarget, timeoutMs: number, options: HealthOptions): Promise<HealthResult> {
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const started = performance.now();
  // The check gets the signal, and the race ends the wait even when a check ignores it.
  const stopped = new Promise<never>((_, reject) => {
    const fire = (): void => reject(controller.signal.reason as Error);
    if (controller.signal.aborted) fire();
    else controller.signal.addEventListener('abort', fire, { once: true });
  });
  stopped.catch(() => undefined);
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${formatMs(timeoutMs)}`)), timeoutMs);
  try {
    const outcome = await Promise.race([check.run({ target, signal: controller.signal, fetch: options.fetch ?? globalThis.fetch }), stopped]);
    return { id: check.id, label: check.label, ...outcome, ms: Math.round(performance.now() - started) };
  } catch (err) {
    const detail = controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason.message : errorLine(err);
    return { id: check.id, label: check.label, status: 'failing', detail, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

function definedValues(env: HealthTarget['env']): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Redacted first, then clipped: a cut secret could not be recognised any more. */
function clip(detail: string): string {
  return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 3)}...` : detail;
}

function errorLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? 'failed';
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

const MARK = { ok: '✓', not_configured: '·', failing: '✗' } as const;
const WORD = { ok: 'ok', not_configured: 'not configured', failing: 'failing' } as const;

/** One line per check: `✓ Supabase API: ok — the service role key is accepted`. */
export function formatHealthLines(report: HealthReport): string[] {
  const width = Math.max(...report.results.map((r) => r.label.length), 0);
  return report.results.map((r) => `${MARK[r.status]} ${r.label.padEnd(width)}  ${WORD[r.status]}: ${r.detail}`);
}
