export { runHealth, formatHealthLines, DEFAULT_HEALTH_TIMEOUT_MS, type HealthOptions } from './run.js';
export { registerHealthCheck, healthChecks } from './registry.js';
export type { HealthCheck, HealthReport, HealthResult, HealthStatus, HealthTarget, CheckContext, CheckOutcome } from './types.js';
