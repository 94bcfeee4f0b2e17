// The list of health checks: the built-ins plus any another module registers.
import { BUILTIN_CHECKS } from './checks/index.js';
import type { HealthCheck } from './types.js';

const extra = new Map<string, HealthCheck>();

/** Adds (or replaces, by id) a check; returns a function that removes it. */
export function registerHealthCheck(check: HealthCheck): () => void {
  extra.set(check.id, check);
  return () => {
    if (extra.get(check.id) === check) extra.delete(check.id);
  };
}

export function healthChecks(): HealthCheck[] {
  const builtins = BUILTIN_CHECKS.filter((c) => !extra.has(c.id));
  return [...builtins, ...extra.values()];
}
