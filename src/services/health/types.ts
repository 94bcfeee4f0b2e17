// A health check: one credential or dependency, asked once, answered ok / not configured / failing.
import type { Credentials } from '../config/env.js';

export type HealthStatus = 'ok' | 'not_configured' | 'failing';

export interface HealthTarget {
  readonly root: string;
  readonly env: Credentials;
}

export interface CheckContext {
  readonly target: HealthTarget;
  /** Aborted when the check's time is up. */
  readonly signal: AbortSignal;
  /** Overridable for tests; defaults to the global fetch. */
  readonly fetch: typeof fetch;
}

export interface CheckOutcome {
  readonly status: HealthStatus;
  /** One line: what was found, or why it fails. Never a secret (the runner redacts it too). */
  readonly detail: string;
}

export interface HealthCheck {
  readonly id: string;
  readonly label: string;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

export interface HealthResult extends CheckOutcome {
  readonly id: string;
  readonly label: string;
  readonly ms: number;
}

export interface HealthReport {
  /** True when nothing is failing (unconfigured parts are not failures). */
  readonly ok: boolean;
  readonly results: readonly HealthResult[];
}

export const ok = (detail: string): CheckOutcome => ({ status: 'ok', detail });
export const failing = (detail: string): CheckOutcome => ({ status: 'failing', detail });
export const notConfigured = (detail: string): CheckOutcome => ({ status: 'not_configured', detail });
