// Emails from headless `agentdeck run` processes, with the built binary on the sample app: each
// deployment, rollback, failed run and the emergency rollback's incident report is mailed exactly
// once, to the local Resend fake, while a second notifier (the dashboard's) is open on the same
// project; without a key, the same notices land as .eml files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStaged, getStaged } from '../../src/agents/stage/worktrees.js';
import { listDeployments } from '../../src/agents/stage/deployments.js';
import { loadProject } from '../../src/services/config/project.js';
import { startNotifications } from '../../src/services/email/index.js';
import { listOutbox } from '../../src/services/email/outbox-store.js';
import { openState } from '../../src/services/state/db.js';
import { startFakeResend, FAKE_RESEND_KEY, type FakeResend } from '../fakes/resend/server.js';
import { buildSampleApp, type SampleApp } from '../fixtures/sample-app/build.js';
import { buildIfStale, runBinary, type Ran } from '../helpers/binary.js';
import { makeContext } from '../helpers/context.js';
import { writeFileSync } from 'node:fs';

const year = new Date().getUTCFullYear();
const ticket = (n: number): string => `TASK-${year}-${String(n).padStart(3, '0')}`;
/** The staging deploy command: the fourth ticket's deploy is refused by its target. */
const DEPLOY = "const t = process.env.AGENTDECK_TICKET ?? ''; if (t.endsWith('-004')) { console.error('target refused ' + t); process.exit(3); } console.log('deploying ' + t);";

/** Tickets with a staged change each, made in this process before any `run`. */
async function stageTickets(root: string, count: number): Promise<void> {
  const t = makeContext({ root, run: false });
  try {
    for (let n = 1; n <= count; n++) {
      const r = await t.engine.dispatch(`create ticket "change number ${n}" --kind task`, { initiator: 'you' });
      expect(r.message).toContain(ticket(n));
      await ensureStaged(t.engine.context({ agent: 'stage', run: false }), ticket(n));
      const staged = getStaged(root, ticket(n));
      if (!staged) throw new Error(`no staged worktree for ${ticket(n)}`);
      writeFileSync(join(staged.path, 'lib', `change-${n}.ts`), `export const change${n} = ${n};\n`);
    }
  } finally {
    t.cleanup();
  }
}

describe('emails from headless runs', { timeout: 300_000 }, () => {
  let app: SampleApp;
  let resend: FakeResend;
  const env = (): Record<string, string> => ({ RESEND_API_KEY: FAKE_RESEND_KEY, RESEND_BASE_URL: resend.url, AGENTDECK_EMAIL_TO: 'ops@example.com', NO_COLOR: '1' });

  beforeAll(async () => {
    buildIfStale();
    resend = await startFakeResend();
    app = buildSampleApp({ allTestsPass: true, config: { deploy: { staging: [['node', '-e', DEPLOY]] } } });
    await stageTickets(app.root, 4);
  }, 120_000);
  afterAll(async () => {
    await resend?.close();
    app?.cleanup();
  });

  it('5 deployments, 3 rollbacks, failed runs and an emergency rollback: every notice mailed exactly once', async () => {
    // The dashboard's notifier, open on the same project the whole time, delivering as it would.
    const project = loadProject(app.root, env());
    const dashboardState = openState(app.root);
    const dashboard = startNotifications({ state: dashboardState, project });
    // It also claims due rows over and over while the `run` processes deliver theirs.
    let racing = true;
    const race = (async () => {
      while (racing) {
        await dashboard.notifier.deliver({ timeoutMs: 0 });
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const agentdeck = async (line: string, json = false): Promise<Ran> => {
      const r = await runBinary(['run', line, ...(json ? ['--json'] : [])], app.root, env());
      await dashboard.notifier.deliver({ timeoutMs: 0 });
      return r;
    };
    try {
      const ok = async (line: string): Promise<void> => {
        const r = await agentdeck(line);
        expect(r.code, `${line}\n${r.out}${r.err}`).toBe(0);
      };
      await ok(`deploy staging --ticket ${ticket(1)}`);
      await ok(`deploy staging --ticket ${ticket(2)}`);
      await ok(`rollback ${ticket(1)}`);
      await ok(`rollback ${ticket(2)}`);
      await ok(`deploy staging --ticket ${ticket(1)}`);
      await ok(`deploy staging --ticket ${ticket(3)}`);
      await ok(`rollback ${ticket(3)}`);
      await ok(`deploy staging --ticket ${ticket(2)}`);
      await ok('emergency rollback last deployment');
      const refused = await agentdeck(`deploy staging --ticket ${ticket(4)}`);
      expect(refused.code, refused.out + refused.err).toBe(1);
      expect((await agentdeck(`rollback ${ticket(999)}`)).code).toBe(1);
      const json = await agentdeck(`deploy staging --ticket ${ticket(998)}`, true);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.out)).toMatchObject({ ok: false });
    } finally {
      racing = false;
      await race;
      dashboard.stop();
      dashboardState.close();
    }

    const state = openState(app.root);
    try {
      const outbox = listOutbox(state, { limit: 1000 });
      const deployments = listDeployments(state, 1000);
      const failedRuns = state.db.prepare("SELECT id FROM runs WHERE status IN ('failed', 'needs_manual') ORDER BY id").all() as { id: string }[];
      const count = (reason: string, subject: RegExp): number => outbox.filter((e) => e.reason === reason && subject.test(e.subject)).length;

      // Every row went out, each to the provider once (one idempotency key, accepted once).
      expect(outbox.map((e) => e.status)).toEqual(outbox.map(() => 'sent'));
      expect([...resend.acceptCounts.values()].every((n) => n === 1)).toBe(true);
      // Not even a second attempt reached the provider: each row was claimed by one process.
      const attempts = resend.requests.map((r) => r.idempotencyKey).sort();
      expect(attempts).toEqual(outbox.map((e) => e.idempotencyKey).sort());
      expect(resend.accepted.map((a) => a.body.subject).sort()).toEqual(outbox.map((e) => e.subject).sort());

      expect(count('deployment_finished', / to staging finished$/)).toBe(5);
      expect(count('deployment_finished', / to staging was rolled back$/)).toBe(3);
      expect(count('incident_report', /^\[agentdeck\] Incident report: emergency rollback of DEPLOY-\d{4}-005$/)).toBe(1);
      expect(failedRuns).toHaveLength(3);
      expect(outbox.filter((e) => e.reason === 'run_failed').map((e) => e.runId).sort()).toEqual(failedRuns.map((r) => r.id).sort());
      // The refused deploy is told once, by its failed run's notice.
      expect(outbox).toHaveLength(5 + 3 + 1 + 3);

      // Every deployment that went live is named by a notice (the emergency-rolled-back one by the incident report).
      for (const d of deployments.filter((x) => x.status !== 'failed')) {
        expect(outbox.some((e) => e.subject.includes(`${d.id} `) || e.subject.endsWith(d.id)), `${d.id} ${d.status}`).toBe(true);
      }
      const incident = outbox.find((e) => e.reason === 'incident_report');
      expect(incident?.text).toContain('[STAGE]');
    } finally {
      state.close();
    }
  });
});

describe('emails from headless runs without a provider key', { timeout: 120_000 }, () => {
  it('each failed run leaves its .eml file, once, before the process exits', async () => {
    buildIfStale();
    const app = buildSampleApp({ allTestsPass: true });
    try {
      for (const n of [901, 902, 903]) {
        const r = await runBinary(['run', `rollback ${ticket(n)}`], app.root, { NO_COLOR: '1' });
        expect(r.code).toBe(1);
      }
      const dir = join(app.root, '.agentdeck', 'outbox');
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(3);
      const subjects = files.map((f) => /^Subject: (.*)$/m.exec(readFileSync(join(dir, f), 'utf8'))?.[1] ?? '');
      expect(new Set(subjects).size).toBe(3);
    } finally {
      app.cleanup();
    }
  });
});
