// `discard` on a real git repository with a real staged worktree: nothing git does not track
// (untracked and ignored files) goes unseen, and env files never reach an archive or a git object.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CommandResult } from '../../../src/agents/types.js';
import { ensureStaged, type Staged } from '../../../src/agents/stage/worktrees.js';
import { findLeftovers } from '../../../src/agents/stage/leftovers.js';
import { buildSampleApp, type SampleApp } from '../../fixtures/sample-app/build.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

const MARKER = 'sk_live_DISCARD_MARKER_5f1e9c';
const GITIGNORE = 'node_modules\n.next/\n.env\nnotes/\n*.log\n';

let app: SampleApp;
let t: TestContext;
let staged: Staged;
const TICKET = 'TASK-2026-090';
const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });

function put(path: string, content: string): void {
  mkdirSync(join(staged.path, path, '..'), { recursive: true });
  writeFileSync(join(staged.path, path), content);
}

/** Every file under `dir`, recursively (links not followed). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => lstatSync(join(dir, p)).isFile());
}

/** Every git object reachable in the repository, as text: commits, trees and blobs. */
function allGitContent(): string {
  return app.git('log', '--all', '-p', '--binary', '--format=%H %s');
}

const approvalOf = (r: CommandResult): string => r.approvalId ?? (/APR-\d+/.exec(r.message)?.[0] as string);

beforeEach(async () => {
  app = buildSampleApp({ allTestsPass: true, extraFiles: { '.gitignore': GITIGNORE } });
  t = makeContext({ root: app.root, run: false });
  ({ staged } = await ensureStaged(t.engine.context({ agent: 'stage', run: false }), TICKET));
});

afterEach(() => {
  t.cleanup();
  app.cleanup();
});

describe('discard', () => {
  it('sorts what git does not track: archive, rebuildable, secrets', async () => {
    put('.env', `SECRET=${MARKER}\n`);
    put('.env.local', `SECRET=${MARKER}\n`);
    put('.next/server/page.js', 'built\n');
    put('notes/todo.md', 'remember this\n');
    put('notes/.env.production', `SECRET=${MARKER}\n`);
    put('debug.log', 'trace\n');
    put('draft.md', 'untracked, not ignored\n');
    const l = await findLeftovers(staged.path);
    expect(l.secrets).toEqual(['.env', '.env.local', 'notes/.env.production']);
    expect(l.archive).toEqual(['debug.log', 'notes/todo.md']);
    expect(l.rebuildable).toContain('.next/');
    // The linked dependencies are a link: listed, never walked or followed.
    if (existsSync(join(staged.path, 'node_modules'))) expect(l.rebuildable).toContain('node_modules');
  });

  it('asks before deleting env files, archives ignored files, drops rebuildable ones, and never copies a secret', async () => {
    put('.env', `SECRET=${MARKER}\n`);
    put('.env.local', `SECRET=${MARKER}\n`);
    put('notes/todo.md', 'remember this\n');
    put('notes/.env.production', `SECRET=${MARKER}\n`);
    put('debug.log', 'trace\n');
    put('.next/server/page.js', 'built\n');
    put('lib/wip.ts', 'export const wip = 1;\n');

    const waiting = await run(`discard ${TICKET}`);
    expect(waiting.status).toBe('waiting_approval');
    expect(waiting.message).toContain('.env, .env.local, notes/.env.production');
    expect(readFileSync(join(staged.path, '.env'), 'utf8')).toContain(MARKER);

    const done = await run(`approve ${approvalOf(waiting)} --confirm ${TICKET}`);
    expect(done.status).toBe('done');
    expect(existsSync(staged.path)).toBe(false);
    expect(done.message).toContain('dropped without archiving, as they are rebuilt: .next/');
    expect(done.message).toContain('env and key files, never archived, deleted with the worktree: .env, .env.local, notes/.env.production');

    // Ignored files are in the archive, as they were; the uncommitted change is in the branch.
    const archiveDir = join(app.root, '.agentdeck', 'archive');
    const filesDir = readdirSync(archiveDir).find((f) => f.endsWith(`${TICKET}.files`)) as string;
    expect(filesUnder(join(archiveDir, filesDir)).sort()).toEqual(['debug.log', join('notes', 'todo.md')]);
    expect(readFileSync(join(archiveDir, filesDir, 'notes', 'todo.md'), 'utf8')).toBe('remember this\n');
    expect(app.git('show', `agentdeck/${TICKET}:lib/wip.ts`)).toBe('export const wip = 1;');
    expect(readdirSync(archiveDir).some((f) => f.endsWith('.bundle'))).toBe(true);

    // The secret is nowhere: not in the archive's files, the patch, or any git object.
    for (const f of filesUnder(archiveDir)) expect(readFileSync(join(archiveDir, f), 'utf8'), f).not.toContain(MARKER);
    expect(app.git('ls-tree', '-r', '--name-only', `agentdeck/${TICKET}`)).not.toContain('.env');
    expect(allGitContent()).not.toContain(MARKER);
    // Nor in the state db (the approval lists names only).
    expect(readFileSync(t.state.path).includes(MARKER)).toBe(false);
    // The project's own dependencies, which the worktree linked, are untouched.
    expect(statSync(join(app.root, 'node_modules')).isDirectory()).toBe(true);
  });

  it('keeps everything when the confirmation is refused', async () => {
    put('.env', `SECRET=${MARKER}\n`);
    const waiting = await run(`discard ${TICKET}`);
    expect(waiting.status).toBe('waiting_approval');
    const rejected = await run(`reject ${approvalOf(waiting)} keep it`);
    expect(rejected.ok).toBe(true);
    expect(readFileSync(join(staged.path, '.env'), 'utf8')).toContain(MARKER);
  });

  it('asks again when an env file appears after the approval was requested', async () => {
    put('.env', `SECRET=${MARKER}\n`);
    const waiting = await run(`discard ${TICKET}`);
    put('.env.staging', `SECRET=${MARKER}\n`);
    const again = await run(`approve ${approvalOf(waiting)} --confirm ${TICKET}`);
    expect(again.status).toBe('waiting_approval');
    expect(again.message).toContain('.env.staging');
    expect(existsSync(join(staged.path, '.env.staging'))).toBe(true);
  });

  it('archives ignored files of an otherwise clean worktree without asking, and says what it dropped', async () => {
    put('notes/plan.md', 'the plan\n');
    put('.next/cache/x', 'cache\n');
    const r = await run(`discard ${TICKET}`);
    expect(r.status).toBe('done');
    expect(r.message).toMatch(/archived to \.agentdeck\/archive\/.*_TASK-2026-090\.files/);
    expect(r.message).toContain('ignored file(s) copied to the archive: notes/plan.md');
    expect(r.message).toContain('dropped without archiving, as they are rebuilt: .next/');
    const files = join(app.root, relative(app.root, (r.data as { archive: string }).archive));
    expect(readFileSync(join(files, 'notes', 'plan.md'), 'utf8')).toBe('the plan\n');
  });

  it('never commits an untracked env file that git does not ignore into the archived branch', async () => {
    put('.env.development', `SECRET=${MARKER}\n`);
    put('lib/change.ts', 'export const c = 2;\n');
    const waiting = await run(`discard ${TICKET}`);
    expect(waiting.message).toContain('uncommitted changes');
    expect(waiting.message).toContain('.env.development');
    const done = await run(`approve ${approvalOf(waiting)} --confirm ${TICKET}`);
    expect(done.status).toBe('done');
    expect(app.git('show', `agentdeck/${TICKET}:lib/change.ts`)).toBe('export const c = 2;');
    expect(allGitContent()).not.toContain(MARKER);
    // The bundle holds only what the branch holds: fetch it into a fresh clone and look.
    const bundle = (done.data as { archive: string }).archive;
    const heads = execFileSync('git', ['bundle', 'list-heads', bundle], { encoding: 'utf8' });
    expect(heads).toContain(`refs/heads/agentdeck/${TICKET}`);
  });
});
