import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, listAudit, verifyAudit } from '../../../src/services/state/audit.js';
import { openState, parseJson, type StateDb } from '../../../src/services/state/db.js';
import { appendEvents, countEvents, queryEvents, purgeEvents } from '../../../src/services/state/events.js';
import { getKv, setKv } from '../../../src/services/state/kv.js';
import { createTicket, getTicket, listTickets, updateTicket, TICKET_ID } from '../../../src/services/state/tickets.js';
import { bundleEntry } from '../../helpers/bundle.js';
import { tempDir } from '../../helpers/tmp.js';

const run = promisify(execFile);

describe('state db', () => {
  let root: string;
  let cleanup: () => void;
  let state: StateDb;
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir());
    state = openState(root);
  });
  afterEach(() => {
    state.close();
    cleanup();
  });

  it('creates .agentdeck/state.db in WAL mode with every table', () => {
    expect(existsSync(join(root, '.agentdeck', 'state.db'))).toBe(true);
    const mode = state.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string };
    expect(mode.journal_mode).toBe('wal');
    const tables = (state.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    for (const t of ['tickets', 'runs', 'steps', 'events', 'approvals', 'audit', 'outbox', 'deployments', 'backups', 'locks', 'kv']) {
      expect(tables).toContain(t);
    }
  });

  it('migrates once: reopening keeps data and the schema version', () => {
    createTicket(state, { kind: 'BUG', title: 'x' });
    state.close();
    state = openState(root);
    expect(listTickets(state)).toHaveLength(1);
    const versions = state.db.prepare('SELECT count(*) AS n FROM schema_version').get() as { n: number };
    expect(versions.n).toBeGreaterThanOrEqual(1);
  });

  it('gives tickets readable ids by kind, with one sequence per year', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const a = createTicket(state, { kind: 'BUG', title: 'login page returns 500', now });
    const b = createTicket(state, { kind: 'FEAT', title: 'customer portal', now });
    const c = createTicket(state, { kind: 'BUG', title: 'next year', now: new Date('2027-01-02T00:00:00Z') });
    expect([a.id, b.id, c.id]).toEqual(['BUG-2026-001', 'FEAT-2026-002', 'BUG-2027-001']);
    expect(TICKET_ID.test(a.id)).toBe(true);
    expect(getTicket(state, 'bug-2026-001')?.title).toBe('login page returns 500');
    expect(getTicket(state, 'BUG-1999-001')).toBeUndefined();
  });

  it('updates tickets and filters by status', () => {
    const t = createTicket(state, { kind: 'TASK', title: 't', data: { a: 1 } });
    const u = updateTicket(state, t.id, { status: 'staged', data: { b: 2 } });
    expect(u?.status).toBe('staged');
    expect(u?.data).toEqual({ a: 1, b: 2 });
    expect(listTickets(state, { status: 'staged' }).map((x) => x.id)).toEqual([t.id]);
    expect(listTickets(state, { status: 'open' })).toHaveLength(0);
    expect(updateTicket(state, 'TASK-2000-001', { status: 'x' })).toBeUndefined();
  });

  it('rolls a failed transaction back', () => {
    expect(() =>
      state.tx(() => {
        createTicket(state, { kind: 'BUG', title: 'inside' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(listTickets(state)).toHaveLength(0);
  });

  it('appends and queries events by agent, run, level and kind; purges old ones', () => {
    appendEvents(state, [
      { id: 1, ts: 1000, agent: 'migrator', kind: 'log', level: 'info', message: 'a' },
      { id: 2, ts: 2000, agent: 'migrator', kind: 'log', level: 'error', message: 'b', runId: 'R1', data: { x: 1 } },
      { id: 3, ts: 3000, agent: 'ops', kind: 'run', level: 'success', message: 'c', runId: 'R1' },
    ]);
    appendEvents(state, []);
    expect(countEvents(state)).toBe(3);
    expect(queryEvents(state, { agent: 'migrator' }).map((e) => e.message)).toEqual(['a', 'b']);
    expect(queryEvents(state, { minLevel: 'warn' }).map((e) => e.message)).toEqual(['b']);
    expect(queryEvents(state, { runId: 'R1', kinds: ['run'] }).map((e) => e.message)).toEqual(['c']);
    expect(queryEvents(state, { limit: 1 })[0]?.message).toBe('c');
    expect(queryEvents(state, { runId: 'R1' })[0]?.data).toEqual({ x: 1 });
    expect(purgeEvents(state, 2500)).toBe(2);
    expect(countEvents(state)).toBe(1);
  });

  it('keeps small settings in kv', () => {
    expect(getKv(state, 'maintenance', false)).toBe(false);
    setKv(state, 'maintenance', { on: true });
    setKv(state, 'maintenance', { on: false });
    expect(getKv(state, 'maintenance', null)).toEqual({ on: false });
  });

  it('parses JSON columns defensively', () => {
    expect(parseJson('{"a":1}', {})).toEqual({ a: 1 });
    expect(parseJson('not json', 'fallback')).toBe('fallback');
    expect(parseJson(null, 3)).toBe(3);
  });

  it('lets two processes write the same db at once without losing anything', async () => {
    state.close();
    const script = await bundleEntry(resolve('test/fixtures/procs/ticket-writer.ts'));
    const [a, b] = await Promise.all([
      run(process.execPath, [script, root, '150', 'p1']),
      run(process.execPath, [script, root, '150', 'p2']),
    ]);
    const ids = [...(JSON.parse(a.stdout) as string[]), ...(JSON.parse(b.stdout) as string[])];
    expect(new Set(ids).size).toBe(300);
    state = openState(root);
    expect(listTickets(state, { limit: 1000 })).toHaveLength(300);
    expect(verifyAudit(state)).toMatchObject({ ok: true, count: 300 });
  });
});

describe('audit', () => {
  let root: string;
  let cleanup: () => void;
  let state: StateDb;
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir());
    state = openState(root);
  });
  afterEach(() => {
    state.close();
    cleanup();
  });

  it('chains entries and verifies them', () => {
    appendAudit(state, { initiator: 'you', agent: 'orchestrator', action: 'create ticket', target: 'BUG-2026-001', result: 'done', data: { a: 1 } });
    const second = appendAudit(state, { initiator: 'mcp', action: 'status', result: 'done', runId: 'R1', approvalId: 'A1' });
    expect(second.prevHash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyAudit(state)).toMatchObject({ ok: true, count: 2, keyedFrom: 1, restored: [] });
    expect(listAudit(state).map((r) => r.seq)).toEqual([2, 1]);
    expect(listAudit(state, { runId: 'R1' })).toHaveLength(1);
  });

  it('refuses updates and deletes', () => {
    appendAudit(state, { initiator: 'you', action: 'x', result: 'done' });
    expect(() => state.db.exec("UPDATE audit SET result = 'forged'")).toThrow(/append-only/);
    expect(() => state.db.exec('DELETE FROM audit')).toThrow(/append-only/);
  });

  it('redacts what it is given to redact', () => {
    const row = appendAudit(state, { initiator: 'you', action: 'call with sbp_secret', target: 'sbp_secret', result: 'done', data: { k: 'sbp_secret' } }, (s) =>
      s.replaceAll('sbp_secret', '[redacted]'),
    );
    expect(JSON.stringify(row)).not.toContain('sbp_secret');
  });

  it('reports the first broken link when a row was altered or removed behind its back', () => {
    for (let i = 0; i < 5; i++) appendAudit(state, { initiator: 'you', action: `a${i}`, result: 'done' });
    state.db.exec('DROP TRIGGER audit_no_update');
    state.db.exec("UPDATE audit SET result = 'forged' WHERE seq = 3");
    expect(verifyAudit(state)).toMatchObject({ ok: false, brokenAt: 3 });
    state.db.exec('DROP TRIGGER audit_no_delete');
    state.db.exec('DELETE FROM audit WHERE seq = 2');
    expect(verifyAudit(state)).toMatchObject({ ok: false, brokenAt: 2, reason: expect.stringContaining('missing') });
  });

  it('detects a re-linked chain (prev hash does not match)', () => {
    for (let i = 0; i < 3; i++) appendAudit(state, { initiator: 'you', action: `a${i}`, result: 'done' });
    state.db.exec('DROP TRIGGER audit_no_update');
    state.db.exec("UPDATE audit SET prev_hash = 'x' WHERE seq = 2");
    expect(verifyAudit(state)).toMatchObject({ ok: false, brokenAt: 2, reason: expect.stringContaining('does not link') });
  });
});
