// The model runtime: an API key, or a `claude` executable on PATH. Without either, AI steps end
// with `needs_model`; that is a configuration choice, not a failure.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { notConfigured, ok, type HealthCheck } from '../types.js';

export function findOnPath(name: string, pathVar = process.env.PATH ?? ''): string | null {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export const modelCheck: HealthCheck = {
  id: 'model',
  label: 'Model runtime',
  run({ target }) {
    if (target.env.ANTHROPIC_API_KEY) return Promise.resolve(ok('ANTHROPIC_API_KEY is set (claude runtime)'));
    const claude = findOnPath('claude');
    if (claude) return Promise.resolve(ok(`claude found at ${claude}`));
    return Promise.resolve(
      notConfigured('no ANTHROPIC_API_KEY and no claude on PATH: AI steps answer needs_model (deterministic runtime)'),
    );
  },
};
