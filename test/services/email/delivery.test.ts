// The email path end to end against a local Resend stand-in: real SDK, real sqlite outbox,
// injected 429 / 5xx / dropped connections / validation errors. A virtual clock stands in for
// the waits between attempts, so retry-after and backoff are checked exactly and quickly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openState, type StateDb } from '../../../src/services/state/db.js';
import { createNotifier } from '../../../src/services/email/notifier.js';
import { drain, backoffMs } from '../../../src/services/email/delivery.js';
import { listOutbox, claimDue, getOutbox } from '../../../src/services/email/outbox-store.js';
import { resendTransport, parseRetryAfter, classify } from '../../../src/services/email/resend-transport.js';
import { startFakeResend, FAKE_RESEND_KEY, type FakeResend } from '../../fakes/resend/server.js';

let fake: FakeResend;
let dir: string;
let state: StateDb;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentdeck-email-'));
  state = openState(dir);
  fake.accepted.length = 0;
  fake.acceptCounts.clear();
  fake.requests.length = 0;
});
afterEach(() => {
  state.close();
  rmSync(dir, { recursive: true, force: true });
});

function virtualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  const waits: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
    waits,
  };
}

function project(env: Record<string, string> = { RESEND_API_KEY: FAKE_RESEND_KEY }) {
  return {
    root: dir,
    env: { RESEND_BASE_URL: fake.url, ...env },
    config: { email: { to: ['ops@example.com'], from: 'Deck <deck@example.com>', subjectPrefix: '[agentdeck]' } },
    secrets: Object.values(env),
  };
}

describe('outbox delivery through Resend', () => {
  it('delivers every email exactly once or fails it with the reason, whatever the faults', async () => {
    const clock = virtualClock();
    const notifier = createNotifier({ state, project: project(), delivery: { now: clock.now, random: () => 0.5, baseDelayMs: 1000 } });
    fake.failWhenSubjectHas('INVALID', { kind: '422', message: 'Invalid `to` field. The email address needs to follow the `email@example.com` format.' });
    fake.inject(
      { kind: '429', retryAfter: 2 },
      { kind: '500' },
      { kind: 'drop' },
      { kind: 'drop-after-accept' },
      { kind: '503' },
      { kind: 'non-json-500' },
      { kind: 'drop-after-accept' },
      { kind: '429', retryAfter: 1 },
    );
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const message = i % 5 === 3 ? `INVALID message ${i}` : `message ${i}`;
      ids.push(notifier.notify('message', { message, runId: `run-${i}` }).email.id);
    }
    notifier.close(); // the test drives delivery itself, on the virtual clock
    const summary = await drain(state, { transport: notifier.transport, now: clock.now, sleep: clock.sleep, timeoutMs: 3_600_000, random: () => 0.5, baseDelayMs: 1000 });
    expect(summary.pending).toBe(false);

    const rows = listOutbox(state);
    expect(rows).toHaveLength(12);
    const sent = rows.filter((r) => r.status === 'sent');
    const failed = rows.filter((r) => r.status === 'failed');
    expect(sent.length + failed.length).toBe(12);
    expect(failed.map((r) => r.subject).sort()).toEqual(['[agentdeck] INVALID message 3', '[agentdeck] INVALID message 8']);
    for (const r of failed) expect(r.lastError).toMatch(/422 validation_error: Invalid `to` field/);
    // Nothing lost, nothing twice: one accepted email per sent row, under that row's key.
    expect(fake.accepted).toHaveLength(sent.length);
    for (const r of sent) {
      expect(fake.acceptCounts.get(r.idempotencyKey)).toBe(1);
      expect(r.providerId).toBe(fake.accepted.find((a) => a.idempotencyKey === r.idempotencyKey)?.id);
    }
    for (const count of fake.acceptCounts.values()) expect(count).toBe(1);
    // Validation errors are never retried: one request per invalid email.
    for (const r of failed) expect(fake.requests.filter((q) => q.idempotencyKey === r.idempotencyKey)).toHaveLength(1);
    // Retried emails kept their key: the 8 faults cost 8 extra requests, no more.
    expect(fake.requests).toHaveLength(12 + 8);
    expect(ids.every((id) => getOutbox(state, id) !== null)).toBe(true);
  });

  it('honours retry-after on 429 and backs off on 5xx, always with the same idempotency key', async () => {
    const clock = virtualClock();
    const transport = resendTransport({ apiKey: FAKE_RESEND_KEY, baseUrl: fake.url });
    const notifier = createNotifier({ state, project: project(), transport });
    notifier.close();
    const { email } = notifier.notify('run_failed', { runId: 'run-7', command: 'deploy production', error: 'tests failed' });
    fake.inject({ kind: '429', retryAfter: 7 }, { kind: '500' });
    const attempts: { kind: string; at?: number }[] = [];
    const summary = await drain(state, {
      transport,
      now: clock.now,
      sleep: clock.sleep,
      timeoutMs: 60_000,
      random: () => 1,
      baseDelayMs: 1000,
      onAttempt: (_e, r) => attempts.push({ kind: r.kind, ...(r.kind === 'retry' ? { at: r.at } : {}) }),
    });
    expect(summary).toMatchObject({ sent: 1, retried: 2, failed: 0, pending: false });
    expect(clock.waits).toEqual([7000, 2000]); // retry-after 7 s, then the second backoff step
    expect(attempts.map((a) => a.kind)).toEqual(['retry', 'retry', 'sent']);
    const keys = fake.requests.map((r) => r.idempotencyKey);
    expect(keys).toEqual([email.idempotencyKey, email.idempotencyKey, email.idempotencyKey]);
    expect(fake.accepted[0]?.body).toMatchObject({ to: ['ops@example.com'], from: 'Deck <deck@example.com>' });
    expect(String(fake.accepted[0]?.body.html)).toContain('<h2');
    expect(String(fake.accepted[0]?.body.text)).toContain('tests failed');
  });

  it('gives up after the last attempt and keeps the last reason', async () => {
    const clock = virtualClock();
    const transport = resendTransport({ apiKey: FAKE_RESEND_KEY, baseUrl: fake.url });
    const notifier = createNotifier({ state, project: project(), transport });
    notifier.close();
    const { email } = notifier.notify('message', { message: 'never arrives', runId: 'r1' });
    fake.inject({ kind: '500' }, { kind: '500' }, { kind: 'drop' });
    const summary = await drain(state, { transport, now: clock.now, sleep: clock.sleep, timeoutMs: 600_000, maxAttempts: 3, baseDelayMs: 10 });
    expect(summary).toMatchObject({ sent: 0, failed: 1, pending: false });
    const row = getOutbox(state, email.id);
    expect(row?.status).toBe('failed');
    expect(row?.attempts).toBe(3);
    expect(row?.lastError).toMatch(/^gave up after 3 attempts: network error/);
    expect(fake.accepted).toHaveLength(0);
  });

  it('a worker that died mid-send leaves a lease that runs out; the retry reuses the key and sends once', async () => {
    const clock = virtualClock();
    const transport = resendTransport({ apiKey: FAKE_RESEND_KEY, baseUrl: fake.url });
    const notifier = createNotifier({ state, project: project(), transport });
    notifier.close();
    const { email } = notifier.notify('message', { message: 'crash in between', runId: 'r2' });
    // First worker: claims the row, the provider accepts, the worker dies before recording it.
    const [claimed] = claimDue(state, { now: clock.now(), leaseMs: 60_000, limit: 10 });
    expect(claimed?.status).toBe('sending');
    await transport.send(claimed!);
    // Within the lease nobody else takes it.
    expect(claimDue(state, { now: clock.now() + 1000, leaseMs: 60_000, limit: 10 })).toHaveLength(0);
    // A second process after the lease: same key, the provider answers with the same email.
    clock.sleep(61_000);
    const summary = await drain(state, { transport, now: clock.now, sleep: clock.sleep, timeoutMs: 1000 });
    expect(summary.sent).toBe(1);
    expect(fake.acceptCounts.get(email.idempotencyKey)).toBe(1);
    expect(fake.requests).toHaveLength(2);
    expect(getOutbox(state, email.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('does not send twice for the same run and reason', () => {
    const notifier = createNotifier({ state, project: project() });
    notifier.close();
    const a = notifier.notify('run_failed', { runId: 'run-1', command: 'deploy staging', error: 'boom' });
    const b = notifier.notify('run_failed', { runId: 'run-1', command: 'deploy staging', error: 'boom again' });
    const c = notifier.notify('approval_waiting', { approvalId: 'APR-1', summary: 'deploy production', runId: 'run-1' });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.email.id).toBe(a.email.id);
    expect(c.created).toBe(true);
    expect(listOutbox(state)).toHaveLength(2);
  });

  it('fails at once with a clear line when Resend is configured but nobody receives mail', () => {
    const p = project();
    const notifier = createNotifier({ state, project: { ...p, config: { email: { to: [], from: null, subjectPrefix: '' } } } });
    notifier.close();
    const { email } = notifier.notify('message', { message: 'hello' });
    expect(email.status).toBe('failed');
    expect(email.lastError).toMatch(/no recipient: set AGENTDECK_EMAIL_TO/);
  });

  it('redacts configured secrets and token shapes before the email is stored', () => {
    const notifier = createNotifier({ state, project: project({ RESEND_API_KEY: FAKE_RESEND_KEY, SUPABASE_SERVICE_ROLE_KEY: 'super-secret-service-role' }) });
    notifier.close();
    const { email } = notifier.notify('message', { message: `leak super-secret-service-role and ${FAKE_RESEND_KEY} and sbp_abcdefghijklmnopqrstuvwxyz` });
    const stored = JSON.stringify(getOutbox(state, email.id));
    expect(stored).not.toContain('super-secret-service-role');
    expect(stored).not.toContain(FAKE_RESEND_KEY);
    expect(stored).not.toContain('sbp_abcdefghijklmnopqrstuvwxyz');
    expect(stored).toContain('[redacted]');
  });

  it('the background worker delivers on its own and reports each attempt', async () => {
    const lines: string[] = [];
    const notifier = createNotifier({ state, project: project(), log: (level, message) => lines.push(`${level} ${message}`), delivery: { baseDelayMs: 5 } });
    fake.inject({ kind: '500' });
    const { email } = notifier.notify('deployment_finished', { deploymentId: 'DEP-1', env: 'staging', runId: 'run-9', url: 'https://staging.example.com' });
    for (let i = 0; i < 100 && getOutbox(state, email.id)?.status !== 'sent'; i++) {
      await notifier.idle(1000);
      await new Promise((r) => setTimeout(r, 10));
    }
    notifier.close();
    expect(getOutbox(state, email.id)?.status).toBe('sent');
    expect(lines[0]).toMatch(/^warn Email to ops@example.com will be retried/);
    expect(lines.at(-1)).toBe('success Email sent to ops@example.com: [agentdeck] Deployment DEP-1 to staging finished');
  });

  it('deliver() waits for the given rows and returns them', async () => {
    const notifier = createNotifier({ state, project: project(), delivery: { baseDelayMs: 1 } });
    notifier.close();
    const { email } = notifier.notify('message', { message: 'wait for me', runId: 'r3' });
    fake.inject({ kind: '503' });
    const [row] = await notifier.deliver({ ids: [email.id], timeoutMs: 5000 });
    expect(row).toMatchObject({ id: email.id, status: 'sent', attempts: 2 });
  });
});

describe('classification of Resend answers', () => {
  it('parses retry-after as seconds or a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });

  it('retries only what can succeed later', () => {
    expect(classify({ statusCode: null, message: 'Unable to fetch data' }, null).kind).toBe('retry');
    expect(classify({ statusCode: 429, name: 'rate_limit_exceeded' }, { 'retry-after': '2' })).toMatchObject({ kind: 'retry', retryAfterMs: 2000 });
    expect(classify({ statusCode: 502, name: 'application_error' }, null).kind).toBe('retry');
    expect(classify({ statusCode: 409, name: 'concurrent_idempotent_requests' }, null).kind).toBe('retry');
    expect(classify({ statusCode: 409, name: 'invalid_idempotent_request' }, null).kind).toBe('failed');
    expect(classify({ statusCode: 403, name: 'validation_error', message: 'domain not verified' }, null)).toEqual({
      kind: 'failed',
      reason: 'Resend refused the email (403 validation_error: domain not verified)',
    });
  });

  it('backs off exponentially up to the cap', () => {
    const o = { transport: null as never, baseDelayMs: 1000, maxDelayMs: 5000, random: () => 1 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, o))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoffMs(1, { ...o, random: () => 0 })).toBe(500);
  });
});

describe('the Resend stand-in', () => {
  it('answers the health check\'s domain listing and refuses a wrong key', async () => {
    const ok = await fetch(`${fake.url}/domains`, { headers: { authorization: `Bearer ${FAKE_RESEND_KEY}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: unknown[] }).data).toHaveLength(1);
    const refused = await fetch(`${fake.url}/domains`, { headers: { authorization: 'Bearer re_wrong' } });
    expect(refused.status).toBe(401);
    const notifier = createNotifier({ state, project: project() });
    notifier.close();
    const { email } = notifier.notify('message', { message: 'wrong key', runId: 'r-key' });
    const sent = await resendTransport({ apiKey: 're_wrong_key_000000000000', baseUrl: fake.url }).send(email);
    expect(sent).toEqual({ kind: 'failed', reason: 'Resend refused the email (401 validation_error: API key is invalid)' });
  });
});
