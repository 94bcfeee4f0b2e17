// A step's commit is found by its exact trailer, never by a step whose id only starts the same.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stepCommit, withStepTrailer } from '../../../src/services/git/step-commit.js';
import { tempDir } from '../../helpers/tmp.js';

let dir: string;
let cleanup: () => void;
const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
function commit(message: string, file: string): string {
  writeFileSync(join(dir, file), file);
  git('add', '-A');
  git('-c', 'user.name=T', '-c', 'user.email=t@t.test', 'commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir('agentdeck-stepcommit-'));
  git('init', '-q', '-b', 'main');
});
afterEach(() => cleanup());

describe('stepCommit', () => {
  it('finds the commit carrying the step id as a whole trailer line', async () => {
    const first = commit(withStepTrailer('Deploy A', 'RUN-0001/EXECUTE:merge A'), 'a');
    commit(withStepTrailer('Deploy A again', 'RUN-0001/EXECUTE:merge A#2'), 'b');
    commit('unrelated: mentions Agentdeck-Step: RUN-0001/EXECUTE:merge A in passing', 'c');
    expect(await stepCommit(dir, 'main', 'RUN-0001/EXECUTE:merge A')).toBe(first);
    expect(await stepCommit(dir, 'main', 'RUN-0001/EXECUTE:merge')).toBeNull();
    expect(await stepCommit(dir, 'main', 'RUN-0002/EXECUTE:merge A')).toBeNull();
    expect(await stepCommit(dir, 'no-such-branch', 'RUN-0001/EXECUTE:merge A')).toBeNull();
  });

  it('puts the trailer after a blank line', () => {
    expect(withStepTrailer('Deploy A\n\n', 'RUN-1/x')).toBe('Deploy A\n\nAgentdeck-Step: RUN-1/x');
  });
});
