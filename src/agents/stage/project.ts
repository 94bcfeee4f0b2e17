// The target project's settings as StageAgent needs them, with config mistakes as one clear line.
// The guards among them (deploy commands, the test command that gates a deploy) are the ones a
// person confirmed: a change to them in the file waits for `agents update config` and its approval.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../../services/state/db.js';
import { ConfigError, loadProject } from '../../services/config/project.js';
import type { ProjectConfig } from '../../services/config/schema.js';
import { detectTestRunner, type TestRunner } from '../../services/exec/test-runner.js';
import { guardedConfig } from '../orchestrator/confirmed-guards.js';
import { CommandError, type CommandContext } from '../types.js';
import { withState } from './state.js';

export function projectConfig(where: CommandContext | string): ProjectConfig {
  const root = typeof where === 'string' ? where : where.root;
  let config: ProjectConfig;
  try {
    config = loadProject(root).config;
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError('config_invalid', error.lines[0] ?? error.message);
    throw error;
  }
  // No state db yet: nothing was confirmed, so the file is all there is.
  if (typeof where === 'string' && !existsSync(join(stateDir(root), 'state.db'))) return config;
  return withState(where, (state) => guardedConfig(state, config).config);
}

/** The test runner for `dir` (a worktree of the project at `root`), or a clear error. */
export function testRunnerFor(where: CommandContext | string, dir: string = typeof where === 'string' ? where : where.root): TestRunner {
  const runner = detectTestRunner(dir, projectConfig(where).test);
  if (!runner) {
    throw new CommandError(
      'no_test_command',
      'no test command found: add "test" to agentdeck.config.json or a "test" script to package.json',
    );
  }
  return runner;
}
