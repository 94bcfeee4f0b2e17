// The target project's settings as StageAgent needs them, with config mistakes as one clear line.
import { ConfigError, loadProject } from '../../services/config/project.js';
import type { ProjectConfig } from '../../services/config/schema.js';
import { detectTestRunner, type TestRunner } from '../../services/exec/test-runner.js';
import { CommandError } from '../types.js';

export function projectConfig(root: string): ProjectConfig {
  try {
    return loadProject(root).config;
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError('config_invalid', error.lines[0] ?? error.message);
    throw error;
  }
}

/** The test runner for `dir` (a worktree of the project at `root`), or a clear error. */
export function testRunnerFor(root: string, dir: string = root): TestRunner {
  const runner = detectTestRunner(dir, projectConfig(root).test);
  if (!runner) {
    throw new CommandError(
      'no_test_command',
      'no test command found: add "test" to agentdeck.config.json or a "test" script to package.json',
    );
  }
  return runner;
}
