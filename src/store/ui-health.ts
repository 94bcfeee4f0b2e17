// The header's health light: runs the health checks off the render path and publishes the
// result as a `health` event, which the store applies like any other.
import { loadEnv } from '../services/config/env.js';
import type { EventBus } from '../services/events/bus.js';
import type { HealthPayload } from '../services/events/payloads.js';
import { runHealth, type HealthOptions } from '../services/health/index.js';

export async function publishHealth(bus: EventBus, root: string, env: NodeJS.ProcessEnv, options: HealthOptions = {}): Promise<HealthPayload['checks']> {
  const report = await runHealth({ root, env: loadEnv(root, env).credentials }, options);
  const checks: HealthPayload['checks'] = report.results.map((r) => ({ name: r.label, status: r.status, reason: r.detail }));
  const failing = checks.filter((c) => c.status === 'failing');
  bus.emit({
    agent: 'ops',
    kind: 'health',
    level: failing.length ? 'warn' : 'debug',
    message: failing.length ? `health: ${failing.map((c) => `${c.name} failing (${c.reason ?? ''})`).join('; ')}` : `health: ${checks.length} checks, none failing`,
    data: { checks },
  });
  return checks;
}
