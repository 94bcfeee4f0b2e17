// The email outbox: how fast notifications are queued (render, redact, insert), delivered
// through the resend SDK to a local Resend stand-in (clean and with 10% server errors), and
// written as .eml files when no API key is configured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drain } from '../src/services/email/delivery.js';
import { emlTransport } from '../src/services/email/eml.js';
import { createNotifier } from '../src/services/email/notifier.js';
import { resendTransport } from '../src/services/email/resend-transport.js';
import { openState } from '../src/services/state/db.js';
import { FAKE_RESEND_KEY, startFakeResend } from '../test/fakes/resend/server.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const QUEUE = 5_000;
const SEND = 1_000;

const fake = await startFakeResend();
const project = (root: string) => ({
  root,
  env: { RESEND_API_KEY: FAKE_RESEND_KEY, RESEND_BASE_URL: fake.url },
  config: { email: { to: ['ops@example.com'], from: 'deck@example.com', subjectPrefix: '[agentdeck]' } },
  secrets: [FAKE_RESEND_KEY, 'a-service-role-key-value'],
});

async function withState<T>(body: (root: string, state: ReturnType<typeof openState>) => Promise<T>): Promise<T> {
  const root = mkdtempSync(join(tmpdir(), 'agentdeck-bench-email-'));
  const state = openState(root);
  try {
    return await body(root, state);
  } finally {
    state.close();
    rmSync(root, { recursive: true, force: true });
  }
}

const queued = await withState(async (root, state) => {
  const notifier = createNotifier({ state, project: project(root) });
  notifier.close(); // queue only
  const t0 = performance.now();
  for (let i = 0; i < QUEUE; i++) notifier.notify('run_failed', { runId: `run-${i}`, command: 'deploy staging', error: `tests failed (${i}) with a-service-role-key-value` });
  const rate = QUEUE / ((performance.now() - t0) / 1000);
  console.log(`queue notifications (render text+html, redact, insert): ${fmt(rate)} emails/s`);
  return rate;
});

async function deliver(label: string, faultEvery: number, n = SEND): Promise<number> {
  return withState(async (root, state) => {
    const transport = resendTransport({ apiKey: FAKE_RESEND_KEY, baseUrl: fake.url });
    const notifier = createNotifier({ state, project: project(root), transport });
    notifier.close();
    for (let i = 0; i < n; i++) {
      if (faultEvery > 0 && i % faultEvery === 0) fake.inject({ kind: '500' });
      notifier.notify('message', { message: `bench ${label} ${i}`, runId: `r-${label}-${i}` });
    }
    const requestsBefore = fake.requests.length;
    const t0 = performance.now();
    const summary = await drain(state, { transport, timeoutMs: 60_000, baseDelayMs: 1, maxDelayMs: 5 });
    const secs = (performance.now() - t0) / 1000;
    const rate = summary.sent / secs;
    console.log(`deliver through resend SDK to a local server, ${label}: ${fmt(rate)} emails/s (${summary.sent} sent, ${fake.requests.length - requestsBefore} requests)`);
    return rate;
  });
}
await deliver('warm-up (not a figure)', 0, 200);
const clean = await deliver('no faults', 0);
const faulty = await deliver('10% 500s', 10);

const eml = await withState(async (root, state) => {
  const transport = emlTransport(root);
  const notifier = createNotifier({ state, project: { ...project(root), env: {} }, transport });
  notifier.close();
  for (let i = 0; i < SEND; i++) notifier.notify('message', { message: `offline ${i}`, runId: `e-${i}` });
  const t0 = performance.now();
  const summary = await drain(state, { transport, timeoutMs: 60_000 });
  const rate = summary.sent / ((performance.now() - t0) / 1000);
  console.log(`write .eml files (no RESEND_API_KEY): ${fmt(rate)} emails/s`);
  return rate;
});

console.log(`ratio queue / deliver: ${(queued / clean).toFixed(1)}x`);
console.log(`ratio deliver with 10% 500s / clean: ${(faulty / clean).toFixed(2)}x`);
console.log(`ratio .eml / resend: ${(eml / clean).toFixed(1)}x`);
await fake.close();
