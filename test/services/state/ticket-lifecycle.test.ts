// Tickets under the admin's own reference, and their lifecycle in ticket_events, as the state db
// keeps them and the dashboard's detail view reads them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openState, type StateDb } from '../../../src/services/state/db.js';
import { createTicket, getTicket, setTicketStatus, ticketEvents, ticketLabel } from '../../../src/services/state/tickets.js';
import { readTicketDetail } from '../../../src/store/ui-detail.js';
import { tempDir } from '../../helpers/tmp.js';

describe('ticket references and lifecycle', () => {
  let dir: ReturnType<typeof tempDir>;
  let state: StateDb;
  beforeEach(() => {
    dir = tempDir();
    state = openState(dir.dir);
  });
  afterEach(() => {
    state.close();
    dir.cleanup();
  });

  it('finds a ticket by our id or its reference, in any case; a reference is filed once', () => {
    const t = createTicket(state, { kind: 'BUG', title: 'estimates not saved', ref: 'ai-est-142', runId: 'RUN-0001' });
    expect(t.ref).toBe('AI-EST-142');
    expect(getTicket(state, 'Ai-Est-142')?.id).toBe(t.id);
    expect(getTicket(state, t.id.toLowerCase())?.ref).toBe('AI-EST-142');
    expect(ticketLabel(t)).toBe(`AI-EST-142 (${t.id})`);
    expect(ticketLabel(createTicket(state, { kind: 'TASK', title: 'plain' }))).toMatch(/^TASK-\d{4}-\d{3}$/);
    expect(() => createTicket(state, { kind: 'BUG', title: 'again', ref: 'AI-EST-142' })).toThrow(/UNIQUE/);
    expect(getTicket(state, 'AI-EST-999')).toBeUndefined();
  });

  it('records each status change once, with its run, note and previous status', () => {
    const t = createTicket(state, { kind: 'BUG', title: 'estimates not saved', ref: 'AI-EST-142', runId: 'RUN-0001' });
    setTicketStatus(state, t.id, 'in progress', { runId: 'RUN-0002' });
    setTicketStatus(state, 'AI-EST-142', 'in progress', { runId: 'RUN-0003' });
    setTicketStatus(state, t.id, 'deployed to staging', { runId: 'RUN-0004', note: 'DEPLOY-2026-001 (staging)' });
    expect(setTicketStatus(state, 'NOPE-1', 'closed')).toBeUndefined();
    const events = ticketEvents(state, t.id);
    expect(events.map((e) => [e.status, e.previous, e.runId])).toEqual([
      ['open', null, 'RUN-0001'],
      ['in progress', 'open', 'RUN-0002'],
      ['deployed to staging', 'in progress', 'RUN-0004'],
    ]);
    expect(events[0]?.note).toBe('filed under AI-EST-142');
    expect(getTicket(state, t.id)?.status).toBe('deployed to staging');

    const detail = readTicketDetail(state, 'ai-est-142');
    expect(detail.found).toBe(true);
    expect(detail.sections[0]?.title).toBe(`AI-EST-142 · ${t.id} · BUG · normal · deployed to staging`);
    const lifecycle = detail.sections.find((s) => s.title === 'Lifecycle')?.lines ?? [];
    expect(lifecycle).toHaveLength(3);
    expect(lifecycle[2]).toMatch(/^ {2}\d{4}-\d{2}-\d{2}T[\d:.]+Z {2}deployed to staging {2}\(RUN-0004\) {2}DEPLOY-2026-001 \(staging\)$/);
  });
});
