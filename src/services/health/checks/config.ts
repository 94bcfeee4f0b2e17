// agentdeck.config.json: valid, absent (defaults apply) or invalid (its first mistake).
import { ConfigError, loadProject } from '../../config/project.js';
import { CONFIG_FILE } from '../../config/schema.js';
import { failing, notConfigured, ok, type HealthCheck } from '../types.js';

export const configCheck: HealthCheck = {
  id: 'config',
  label: 'Project config',
  run({ target }) {
    try {
      const project = loadProject(target.root, {});
      if (!project.configFound) return Promise.resolve(notConfigured(`no ${CONFIG_FILE}: defaults apply (agentdeck init writes one)`));
      return Promise.resolve(ok(`${CONFIG_FILE} is valid (project ${project.config.name})`));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const more = err.lines.length > 1 ? ` (and ${err.lines.length - 1} more)` : '';
      return Promise.resolve(failing(`${err.lines[0] ?? 'invalid'}${more}`));
    }
  },
};
