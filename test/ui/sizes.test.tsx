// Nothing important is cut at 80x24, 120x40 or 200x60: ids are whole wherever they show, narrow
// terminals drop Recent activity rather than squeeze it, and a result naming a worktree path is
// reachable whole with one key.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { KEYS, plain, waitFor } from './harness.js';
import { pendingDeployApproval, useMounts, type Mounted } from './mount.js';

const mount = useMounts();
const screen = (m: Mounted): string => plain(m.lastFrame());
/** An id with its tail cut off: `BUG-2026-0…`, `RUN…`, `APR-00…`. */
const CUT_ID = /\b(?:BUG|FEAT|TASK|RUN|APR)(?:-[\d-]*)?…/;
const IDS = /\b(?:(?:BUG|FEAT|TASK)-\d{4}-\d{3}|RUN-\d{4}|APR-\d{4})\b/g;

function gitProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'agentdeck-sizes-'));
  const git = (...a: string[]): void => void execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { cwd: root });
  git('init', '-q');
  writeFileSync(join(root, 'package.json'), '{ "name": "crm-app", "private": true }\n');
  git('add', '-A');
  git('commit', '-qm', 'init');
  return root;
}

/** A project with long titles, an outside ticket ref, a needs_model fix with its worktree path and a pending approval. */
async function busyDashboard(columns: number, rows: number): Promise<{ m: Mounted; path: string }> {
  const m = mount({ columns, rows, root: gitProject() });
  await m.controller.run('create ticket "Estimates vanish after saving a quote with more than twenty line items" --kind bug --ref AI-EST-142');
  await m.controller.run('create ticket "Pipeline board is slow when filtering by owner, stage and close date" --kind feature');
  const fix = await m.controller.run('fix ticket AI-EST-142');
  expect(fix?.status).toBe('needs_model');
  const path = /in (\/\S+\/)/.exec(fix?.message ?? '')?.[1] ?? '';
  expect(path).toMatch(/staged\/.+BUG-2026-001\/$/);
  // A run asking for an approval, as a deploy to production does.
  await pendingDeployApproval(m, 'BUG-2026-001');
  return { m, path };
}

describe.each([
  [80, 24],
  [120, 40],
  [200, 60],
])('at %ix%i', (columns, rows) => {
  test('every id on screen is whole, and the needs_model result with its worktree path opens whole with o', { timeout: 60_000 }, async () => {
    const { m, path } = await busyDashboard(columns, rows);
    await waitFor(() => expect(screen(m)).toContain('APR-'), 15_000);
    const frame = screen(m);
    expect(frame.split('\n').length).toBeLessThanOrEqual(rows);
    expect(frame).not.toMatch(CUT_ID);
    // The queue names every ticket and the approval by their whole ids.
    for (const id of ['BUG-2026-001', 'FEAT-2026-002']) expect(frame).toContain(id);
    expect(new Set(frame.match(IDS))).toContain('APR-0001');
    // Recent activity is dropped below 100 columns rather than cut to a few letters.
    expect(frame.includes('Recent activity')).toBe(columns >= 100);
    // The status line holds one line of the result and says where the rest is.
    m.ui.setState({ notice: null });
    await m.press(KEYS.esc);
    await m.controller.run('fix ticket AI-EST-142');
    await waitFor(() => expect(screen(m)).toMatch(/⚠ fixing BUG-2026-001 needs a model runtime/), 15_000);
    if (columns < 200) expect(screen(m)).toContain('(o: all)');
    await m.press('o');
    await waitFor(() => expect(screen(m)).toContain('Last result'), 15_000);
    // Inside the pane the wrapped rows, joined, hold the whole path and the command to run next.
    const inside = screen(m)
      .split('\n')
      .map((l) => l.replace(/^│/, '').replace(/│\s*$/, '').trimEnd())
      .join('');
    expect(inside).toContain(path);
    expect(inside).toContain('"verify AI-EST-142"');
    expect(screen(m)).not.toMatch(CUT_ID);
    await m.press(KEYS.esc);
    expect(m.ui.getState().mode).toBe('normal');
  });
});

test('at 80 columns Tab skips the hidden Recent activity and 4 says where its lines are', async () => {
  const m = mount({ columns: 80, rows: 24 });
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) {
    await m.press(KEYS.tab);
    seen.add(m.ui.getState().focus);
  }
  expect([...seen].sort()).toEqual(['agents', 'logs', 'queue']);
  await m.press('4');
  expect(m.ui.getState().notice).toContain('Recent activity shows from 100 columns');
});
