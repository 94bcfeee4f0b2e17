// `test <feature>`: the tests matching a feature name, run with the target's own runner.
import { failureLabel, runTests, summarizeTests, testFilesFor, testFilesMentioning } from '../../services/exec/test-runner.js';
import type { CommandContext, CommandResult } from '../types.js';
import { outputStream } from './output.js';
import { testRunnerFor } from './project.js';

export async function testFeature(ctx: CommandContext, feature: string): Promise<CommandResult> {
  const stage = ctx.as('stage');
  const runner = testRunnerFor(ctx.root);
  const byName = await testFilesFor(ctx.root, feature);
  // No file named like it: the files whose tests mention it, run with a test-name filter.
  const mentioning = byName.length > 0 ? [] : await testFilesMentioning(ctx.root, feature);
  if (byName.length === 0 && mentioning.length === 0) {
    stage.log('warn', `No test matches "${feature}"`);
    return { ok: false, status: 'failed', message: `no test matches "${feature}" (by file name or test name)`, error: { code: 'no_tests', message: `no test matches "${feature}"` } };
  }
  const files = byName.length > 0 ? byName : mentioning;
  stage.log('info', `Running ${files.length} test file(s) for "${feature}" with ${runner.kind}: ${files.join(', ')}`);
  const result = await ctx.step('VERIFY', `tests ${feature}`, () =>
    runTests(ctx.root, runner, { files, ...(byName.length > 0 ? {} : { feature }), signal: ctx.signal, onLine: outputStream(stage, 'tests') }),
  );
  const summary = summarizeTests(result);
  const lines = result.failures.map((f) => `  ✗ ${failureLabel(f)}${f.message ? ` (${f.message})` : ''}`);
  if (result.ok) {
    stage.log('success', `Tests for "${feature}" passed: ${summary}`);
    return { ok: true, status: 'done', message: `tests for "${feature}" passed: ${summary}`, data: result, lines };
  }
  stage.log('error', `Tests for "${feature}" failed: ${summary}`);
  return { ok: false, status: 'failed', message: `tests for "${feature}" failed: ${summary}`, data: result, lines, error: { code: 'tests_failed', message: summary } };
}
