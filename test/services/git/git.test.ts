import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../../../src/agents/types.js';
import {
  branchExists,
  changedFiles,
  commitAll,
  commitsAhead,
  currentBranch,
  git,
  identityEnv,
  isDirty,
  listWorktrees,
  revParse,
  status,
  topLevel,
} from '../../../src/services/git/git.js';

describe('git service (real repositories)', () => {
  let dir: string;
  let repo: string;
  const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };

  beforeAll(async () => {
    // No user identity anywhere: agentdeck's fallback identity must be used.
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    dir = mkdtempSync(join(tmpdir(), 'git-svc-'));
    repo = join(dir, 'repo');
    mkdirSync(repo);
    await git(repo, ['init', '-q', '-b', 'main']);
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    writeFileSync(join(repo, 'b.txt'), 'two\n');
  });
  afterAll(() => {
    process.env.GIT_CONFIG_GLOBAL = saved.global;
    process.env.GIT_CONFIG_NOSYSTEM = saved.nosystem;
    if (saved.global === undefined) delete process.env.GIT_CONFIG_GLOBAL;
    if (saved.nosystem === undefined) delete process.env.GIT_CONFIG_NOSYSTEM;
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits with a fallback identity when none is configured', async () => {
    expect(await identityEnv(repo)).toMatchObject({ GIT_AUTHOR_NAME: 'agentdeck' });
    const sha = await commitAll(repo, 'first');
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await git(repo, ['log', '-1', '--format=%an <%ae> %s'])).toBe('agentdeck <agentdeck@localhost> first');
    expect(await commitAll(repo, 'nothing')).toBeNull();
  });

  it('uses the repository identity when there is one', async () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    await git(other, ['init', '-q']);
    await git(other, ['config', 'user.email', 'dev@example.test']);
    expect(await identityEnv(other)).toEqual({});
  });

  it('reads top level, branch, revisions and branches', async () => {
    expect(await topLevel(join(repo))).toBe(repo);
    expect(await topLevel(dir)).toBeNull();
    expect(await currentBranch(repo)).toBe('main');
    expect(await revParse(repo, 'HEAD')).toMatch(/^[0-9a-f]{40}$/);
    expect(await revParse(repo, 'nope')).toBeNull();
    expect(await branchExists(repo, 'main')).toBe(true);
    expect(await branchExists(repo, 'staging')).toBe(false);
  });

  it('parses status with untracked files and renames', async () => {
    expect(await isDirty(repo)).toBe(false);
    renameSync(join(repo, 'a.txt'), join(repo, 'c.txt'));
    await git(repo, ['add', '-A']);
    writeFileSync(join(repo, 'new file.txt'), 'x\n');
    writeFileSync(join(repo, 'b.txt'), 'changed\n');
    const entries = await status(repo);
    expect(entries).toEqual(
      expect.arrayContaining([
        { code: 'R ', path: 'c.txt' },
        { code: ' M', path: 'b.txt' },
        { code: '??', path: 'new file.txt' },
      ]),
    );
    expect(entries).toHaveLength(3);
    expect(await isDirty(repo)).toBe(true);
  });

  it('lists changed files against a base, with untracked ones, and counts commits ahead', async () => {
    const base = (await revParse(repo, 'HEAD')) as string;
    const files = await changedFiles(repo, base);
    expect(files).toEqual([
      { status: 'D', path: 'a.txt' },
      { status: 'M', path: 'b.txt' },
      { status: 'A', path: 'c.txt' },
      { status: 'A', path: 'new file.txt' },
    ]);
    await commitAll(repo, 'second');
    expect(await commitsAhead(repo, base, 'main')).toBe(1);
    expect(await commitsAhead(repo, 'main', base)).toBe(0);
  });

  it('lists worktrees with their branches', async () => {
    await git(repo, ['worktree', 'add', '-q', '-b', 'feature', join(dir, 'wt')]);
    const list = await listWorktrees(repo);
    expect(list.map((w) => [w.path, w.branch])).toEqual([
      [repo, 'main'],
      [join(dir, 'wt'), 'feature'],
    ]);
    await git(join(dir, 'wt'), ['checkout', '-q', '--detach']);
    expect(await currentBranch(join(dir, 'wt'))).toBeNull();
  });

  it('throws a CommandError naming the git command and its error', async () => {
    const error = await git(repo, ['checkout', 'no-such-branch']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toMatch(/^git checkout no-such-branch: exited with code 1: .*no-such-branch/);
  });
});
