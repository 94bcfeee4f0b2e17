// The outbox's line in the health report.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxCheck } from '../../../src/services/email/health.js';
import { startNotifications } from '../../../src/services/email/index.js';
import { enqueue, markFailed } from '../../../src/services/email/outbox-store.js';
import { healthChecks } from '../../../src/services/health/registry.js';
import { openState, type StateDb } from '../../../src/services/state/db.js';
import { tempDir } from '../../helpers/tmp.js';

let root: string;
let cleanup: () => void;
let state: StateDb;
beforeEach(() => {
  ({ dir: root, cleanup } = tempDir('agentdeck-outbox-health-'));
  state = openState(root);
});
afterEach(() => {
  state.close();
  cleanup();
});

const run = (now = Date.now()) => outboxCheck(() => now).run({ target: { root, env: {} }, signal: new AbortController().signal, fetch });
const email = (key: string) => ({ reason: 'message' as const, dedupeKey: key, runId: null, to: ['a@example.com'], from: 'b@example.com', subject: 's', text: 't', html: 'h' });

describe('outbox health check', () => {
  it('is ok with nothing failed or stuck', async () => {
    expect(await run()).toEqual({ status: 'ok', detail: '0 sent in the last 24 h' });
    enqueue(state, email('k1'));
    expect(await run()).toEqual({ status: 'ok', detail: '0 sent in the last 24 h, 1 being retried' });
  });

  it('fails with the last reason when an email failed, and when one is stuck', async () => {
    const { email: row } = enqueue(state, email('k2'));
    expect((await run(Date.now() + 16 * 60_000)).detail).toBe('1 email waiting for more than 15 min (still retried)');
    markFailed(state, row.id, 'Resend refused the email (403 validation_error: domain not verified)');
    expect(await run()).toEqual({ status: 'failing', detail: '1 email failed in the last 24 h (last: Resend refused the email (403 validation_error: domain not verified))' });
    // A day later the failure no longer holds the light red.
    expect((await run(Date.now() + 25 * 60 * 60_000)).status).toBe('ok');
  });

  it('is registered while notifications run', () => {
    const before = healthChecks().length;
    const { stop } = startNotifications({ state, project: { root, env: {}, config: { email: { to: [], from: null, subjectPrefix: '' } } } });
    expect(healthChecks().map((c) => c.id)).toContain('outbox');
    stop();
    expect(healthChecks()).toHaveLength(before);
  });

  it('says so when the state db cannot be read', async () => {
    const result = await outboxCheck().run({ target: { root: '/dev/null/nowhere', env: {} }, signal: new AbortController().signal, fetch });
    expect(result.status).toBe('failing');
    expect(result.detail).toMatch(/^cannot read the outbox: /);
  });
});
