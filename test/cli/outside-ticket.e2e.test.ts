// Journey 1.1 from `agentdeck run`, process after process, on a create-next-app project: the
// admin's own ticket id is received from free text, named by later commands, and its lifecycle
// shows in `status --json`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildIfStale, runBinary } from '../helpers/binary.js';
import { buildNextApp, type NextApp } from '../fixtures/next-app/build.js';

describe('agentdeck run with an outside ticket id', { timeout: 240_000 }, () => {
  let app: NextApp;
  let data: string;
  const run = (...args: string[]) => runBinary(['run', ...args], app.root, { XDG_DATA_HOME: data });

  beforeAll(() => {
    buildIfStale();
    app = buildNextApp({ runner: 'vitest' });
    data = mkdtempSync(join(tmpdir(), 'agentdeck-data-'));
  }, 120_000);
  afterAll(() => {
    app.cleanup();
    rmSync(data, { recursive: true, force: true });
  });

  it('receives AI-EST-142 from free text and stops honestly at needs_model with the worktree outside the project', async () => {
    const r = await run("@agent I need to fix the AI estimate persistence issue. Here's the ticket: AI-EST-142");
    expect(r.out).toContain('[ORCHESTRATOR] ✓ Ticket received: AI-EST-142');
    expect(r.out).toMatch(/\[BUGHUNTER\] ✓ Collected evidence: \d+ related finding\(s\), \d+ code reference\(s\)/);
    const path = /\[STAGE\] ✓ Created staged environment: (\S+)\/\n/.exec(r.out)?.[1] ?? '';
    expect(path.startsWith(join(data, 'agentdeck'))).toBe(true);
    expect(relative(app.root, path).startsWith('..')).toBe(true);
    expect(r.err).toContain('needs a model runtime');
    expect(r.err).toContain('"verify AI-EST-142"');
    expect(r.code).not.toBe(0);
    expect(app.git('status', '--porcelain')).toBe('');
  });

  it('status shows the ticket under its reference, in progress; close ticket closes it by the reference', async () => {
    const status = await run('--json', 'status');
    const tickets = (JSON.parse(status.out) as { result: { data: { tickets: { ref: string | null; status: string }[] } } }).result.data.tickets;
    expect(tickets).toContainEqual(expect.objectContaining({ ref: 'AI-EST-142', status: 'in progress' }));
    const closed = await run('close ticket AI-EST-142');
    expect(closed.code).toBe(0);
    expect(closed.out).toMatch(/Ticket AI-EST-142 \(BUG-\d{4}-\d{3}\) closed \(was in progress\)/);
  });
});
