// Finding problems: the BugHunter's scan and the StageAgent's targeted test runs.
import { arg, defineCommand } from '../define.js';
import { outputFlag, restText } from './shared.js';

export const bugsScan = defineCommand({
  id: 'bugs scan',
  args: [],
  flags: [outputFlag],
  summary: 'Scan for issues',
  help: 'Reports TypeScript diagnostics, ESLint findings, failing tests (the configured test command) and database findings (*_id columns without a foreign key, foreign keys without an index, tables with RLS disabled), each with file:line or table.column and a severity.',
  examples: ['bugs scan', 'bugs scan --output json'],
  agent: 'bughunter',
  approval: null,
  mode: 'run',
});

export const testFeature = defineCommand({
  id: 'test',
  args: [
    arg('feature', 'rest', restText(200), {
      description: 'The feature name; tests whose file or name matches it run',
      accepts: 'a feature name such as estimates',
      usage: '<feature>',
    }),
  ],
  flags: [],
  summary: 'Run specific tests',
  help: "Runs the tests matching the feature name with the target's own test runner and streams the output.",
  examples: ['test estimates', 'test "customer portal"'],
  agent: 'stage',
  approval: null,
  mode: 'run',
});
