import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath, modelCheck } from '../../../src/services/health/checks/model.js';
import { registerHealthCheck, healthChecks } from '../../../src/services/health/registry.js';
import { formatHealthLines, runHealth } from '../../../src/services/health/run.js';
import type { HealthCheck, HealthTarget } from '../../../src/services/health/types.js';
import type { Credentials } from '../../../src/services/config/env.js';
import { startFakeManagementApi, type FakeManagementApi } from '../../fakes/management-api/server.js';
import { pg15Available, startPg15, type Pg15 } from '../../agents/ops/pg15.js';
import { tempDir } from '../../helpers/tmp.js';
import { fakeProjectList, fakeResendDomains, fakeSupabaseAuth, type FakeHttp } from './fakes.js';

const SERVICE_KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2VydmljZS1zaWduYXR1cmU';
const RESEND_KEY = 're_full0123456789abcdefghij';
const RESEND_SENDING = 're_send0123456789abcdefghij';

let root: string;
let cleanup: () => void;
let auth: FakeHttp;
let resend: FakeHttp;
let mgmt: FakeManagementApi;
let closedPort: number;

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir('agentdeck-health-'));
  [auth, resend, mgmt] = await Promise.all([fakeSupabaseAuth(SERVICE_KEY), fakeResendDomains({ full: RESEND_KEY, sendingOnly: RESEND_SENDING }), startFakeManagementApi()]);
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
});
afterAll(async () => {
  await Promise.all([auth.close(), resend.close(), mgmt.close()]);
  cleanup();
});

const target = (env: Credentials): HealthTarget => ({ root, env });
async function one(id: string, env: Credentials, timeoutMs = 2_000) {
  const check = healthChecks().find((c) => c.id === id)!;
  const report = await runHealth(target(env), { checks: [check], timeoutMs });
  return report.results[0]!;
}

describe('the built-in checks', () => {
  it('are registered in report order, each with an id and a label', () => {
    expect(healthChecks().map((c) => c.id)).toEqual(['config', 'supabase', 'management', 'database', 'local-db', 'resend', 'model', 'state']);
  });

  it('report not configured when nothing is set, without failing the report', async () => {
    const report = await runHealth(target({}), { checks: healthChecks().filter((c) => c.id !== 'model') });
    expect(report.ok).toBe(true);
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    expect(byId.supabase!.status).toBe('not_configured');
    expect(byId.management!.status).toBe('not_configured');
    expect(byId.database!.status).toBe('not_configured');
    expect(byId.database!.detail).toMatch(/^the local database under \.agentdeck\/ is in use: set SUPABASE_DB_URL/);
    expect(byId.resend!.detail).toContain('.eml');
    expect(byId.config!.status).toBe('not_configured');
    expect(byId.state!.status).toBe('ok');
  });
});

describe('supabase', () => {
  it('is ok when auth admin accepts the service role key', async () => {
    const r = await one('supabase', { SUPABASE_URL: auth.url, SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY });
    expect(r).toMatchObject({ status: 'ok' });
    const req = auth.requests.at(-1)!;
    expect(req.path).toBe('/auth/v1/admin/users?page=1&per_page=1');
    expect(req.headers.apikey).toBe(SERVICE_KEY);
  });

  it('fails with the reason on a refused key (401), never showing the key', async () => {
    const wrong = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.YW5vbi1zaWduYXR1cmUtdmFsdWU';
    const r = await one('supabase', { SUPABASE_URL: auth.url, SUPABASE_SERVICE_ROLE_KEY: wrong });
    expect(r.status).toBe('failing');
    expect(r.detail).toContain('the service role key was refused (HTTP 401: Invalid API key)');
    expect(r.detail).not.toContain(wrong);
  });

  it('fails on half a configuration, a bad URL, a 500 page and a refused connection', async () => {
    expect((await one('supabase', { SUPABASE_URL: auth.url })).detail).toBe('SUPABASE_URL is set but SUPABASE_SERVICE_ROLE_KEY is not');
    expect((await one('supabase', { SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY })).detail).toBe('SUPABASE_SERVICE_ROLE_KEY is set but SUPABASE_URL is not');
    expect((await one('supabase', { SUPABASE_URL: 'db.example.com', SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY })).detail).toContain('must start with https://');
    auth.mode = 'error500';
    try {
      expect((await one('supabase', { SUPABASE_URL: auth.url, SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY })).detail).toBe('HTTP 500: <html><body>Internal Server Error</body></html>');
    } finally {
      auth.mode = 'normal';
    }
    const refused = await one('supabase', { SUPABASE_URL: `http://127.0.0.1:${closedPort}`, SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY });
    expect(refused).toMatchObject({ status: 'failing', detail: 'cannot reach the server (ECONNREFUSED)' });
  });

  it('fails with "no answer" when the server hangs past the time limit', async () => {
    auth.mode = 'hang';
    try {
      const r = await one('supabase', { SUPABASE_URL: auth.url, SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY }, 300);
      expect(r).toMatchObject({ status: 'failing', detail: 'no answer within 300 ms' });
    } finally {
      auth.mode = 'normal';
    }
  });
});

describe('management', () => {
  const env = (): Credentials => ({ SUPABASE_API_URL: mgmt.url, SUPABASE_ACCESS_TOKEN: mgmt.token, SUPABASE_PROJECT_REF: mgmt.ref });

  it('is ok for the linked project, with a request the spec accepts', async () => {
    const r = await one('management', env());
    expect(r.status).toBe('ok');
    expect(r.detail).toMatch(/^project /);
    expect(mgmt.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/projects/${mgmt.ref}`, operationId: 'v1-get-project' });
    expect(mgmt.violations).toEqual([]);
  });

  it('names a refused token (401), an unknown project (404) and a rate limit (429)', async () => {
    const refused = await one('management', { ...env(), SUPABASE_ACCESS_TOKEN: 'sbp_wrong0000000000000000000000000000000000' });
    expect(refused.status).toBe('failing');
    expect(refused.detail).toBe('the access token was refused (HTTP 401: Unauthorized)');
    const missing = await one('management', { ...env(), SUPABASE_PROJECT_REF: 'zzzzzzzzzzzzzzzzzzzz' });
    expect(missing.detail).toBe('project zzzzzzzzzzzzzzzzzzzz was not found for this token (HTTP 404)');
    mgmt.inject({ kind: 'status', status: 429 });
    expect((await one('management', env())).detail).toContain('rate limited');
    mgmt.inject({ kind: 'status', status: 403 });
    expect((await one('management', env())).detail).toContain('may not read project');
    mgmt.inject({ kind: 'status', status: 503, message: 'upstream down' });
    expect((await one('management', env())).detail).toBe('HTTP 503: upstream down');
  });

  it('times out on a request that never gets an answer, and fails on a dropped connection', async () => {
    mgmt.inject({ kind: 'timeout' });
    expect(await one('management', env(), 300)).toMatchObject({ status: 'failing', detail: 'no answer within 300 ms' });
    mgmt.inject({ kind: 'drop' });
    const dropped = await one('management', env());
    expect(dropped.status).toBe('failing');
    expect(dropped.detail).toMatch(/^cannot reach the server/);
  });

  it('says what is missing: a ref without a token, a token without a ref', async () => {
    expect((await one('management', { SUPABASE_PROJECT_REF: 'abc' })).detail).toBe('SUPABASE_PROJECT_REF is set but SUPABASE_ACCESS_TOKEN is not');
    const list = await fakeProjectList('sbp_list000000000000000000000000000000000');
    try {
      const r = await one('management', { SUPABASE_API_URL: list.url, SUPABASE_ACCESS_TOKEN: 'sbp_list000000000000000000000000000000000' });
      expect(r).toMatchObject({ status: 'failing', detail: 'the token works (1 project visible) but SUPABASE_PROJECT_REF is not set' });
    } finally {
      await list.close();
    }
  });
});

describe('resend', () => {
  it('is ok for a full key and for a sending-only key', async () => {
    expect(await one('resend', { RESEND_BASE_URL: resend.url, RESEND_API_KEY: RESEND_KEY })).toMatchObject({ status: 'ok', detail: 'the key is accepted (1 domain)' });
    expect(await one('resend', { RESEND_BASE_URL: resend.url, RESEND_API_KEY: RESEND_SENDING })).toMatchObject({ status: 'ok', detail: 'the key is accepted (sending access only)' });
  });

  it('fails on an invalid key with the API message, never the key', async () => {
    const bad = 're_bad00000000000000000000000';
    const r = await one('resend', { RESEND_BASE_URL: resend.url, RESEND_API_KEY: bad });
    expect(r).toMatchObject({ status: 'failing', detail: 'HTTP 400: API key is invalid' });
    expect(JSON.stringify(r)).not.toContain(bad);
  });

  it('times out on a hanging server', async () => {
    resend.mode = 'hang';
    try {
      expect(await one('resend', { RESEND_BASE_URL: resend.url, RESEND_API_KEY: RESEND_KEY }, 250)).toMatchObject({ status: 'failing', detail: 'no answer within 250 ms' });
    } finally {
      resend.mode = 'normal';
    }
  });
});

describe('database', () => {
  it('fails with the reason on a closed port, and never shows the password', async () => {
    const password = 'hunter2-very-secret';
    const r = await one('database', { DATABASE_URL: `postgresql://app:${password}@127.0.0.1:${closedPort}/app` });
    expect(r.status).toBe('failing');
    expect(r.detail).toContain('cannot connect with DATABASE_URL');
    expect(r.detail).toContain('ECONNREFUSED');
    expect(r.detail).not.toContain(password);
  });

  it('refuses a connection string that is not postgres', async () => {
    expect((await one('database', { SUPABASE_DB_URL: 'mysql://x@y/z' })).detail).toBe('SUPABASE_DB_URL must be a postgres:// or postgresql:// connection string');
  });

  describe.runIf(pg15Available())('against a real PostgreSQL 15', () => {
    let pg: Pg15;
    beforeAll(async () => {
      pg = await startPg15();
    }, 60_000);
    afterAll(async () => pg?.stop());

    it('connects, runs select 1 and reports the server version; SUPABASE_DB_URL wins over DATABASE_URL', async () => {
      const r = await one('database', { SUPABASE_DB_URL: pg.url, DATABASE_URL: `postgresql://x:y@127.0.0.1:${closedPort}/x` }, 10_000);
      expect(r.status).toBe('ok');
      expect(r.detail).toMatch(/^connected with SUPABASE_DB_URL \(PostgreSQL 15\.\d+/);
    });
  });
});

describe('model', () => {
  it('is ok with an API key, or with claude on PATH; else not configured', async () => {
    expect((await modelCheck.run({ target: target({ ANTHROPIC_API_KEY: 'sk-ant-x' }), signal: new AbortController().signal, fetch })).status).toBe('ok');
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'claude'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'claude'), 0o755);
    expect(findOnPath('claude', `/nonexistent::${bin}`)).toBe(join(bin, 'claude'));
    expect(findOnPath('claude', '/nonexistent')).toBeNull();
    const saved = process.env.PATH;
    try {
      process.env.PATH = bin;
      expect(await modelCheck.run({ target: target({}), signal: new AbortController().signal, fetch })).toEqual({ status: 'ok', detail: `claude found at ${join(bin, 'claude')}` });
      process.env.PATH = '/nonexistent';
      expect((await modelCheck.run({ target: target({}), signal: new AbortController().signal, fetch })).status).toBe('not_configured');
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('the state db check', () => {
  it('runs SQLite\'s quick check off the main thread, so the dashboard keeps answering keys meanwhile', async () => {
    const { dir, cleanup: done } = tempDir('agentdeck-health-state-');
    try {
      const check = healthChecks().find((c) => c.id === 'state')!;
      const pending = check.run({ target: { root: dir, env: {} } } as never);
      // A check that blocked the thread would have settled before this callback could run.
      let turned = false;
      setImmediate(() => (turned = true));
      const result = await pending;
      expect(turned).toBe(true);
      expect(result.status).toBe('ok');
      expect(result.detail).toMatch(/state\.db \(0 tickets\)$/);
    } finally {
      done();
    }
  });

  it('says what the quick check found in a damaged db', async () => {
    const { dir, cleanup: done } = tempDir('agentdeck-health-state-');
    try {
      const { quickCheck } = await import('../../../src/services/health/checks/state.js');
      expect(await quickCheck(join(dir, 'missing.db'))).toMatch(/^quick_check could not run: /);
    } finally {
      done();
    }
  });
});

describe('config and state', () => {
  it('reports an invalid config with its first mistake, and a broken state db', async () => {
    const { dir, cleanup: done } = tempDir('agentdeck-health-bad-');
    try {
      writeFileSync(join(dir, 'agentdeck.config.json'), JSON.stringify({ agents: { concurrency: { ops: 0, stage: 99 } } }));
      const config = (await runHealth({ root: dir, env: {} }, { checks: healthChecks().filter((c) => c.id === 'config') })).results[0]!;
      expect(config.status).toBe('failing');
      expect(config.detail).toBe('agentdeck.config.json: agents.concurrency.stage: expected a whole number from 1 to 16, got 99 (and 1 more)');
      mkdirSync(join(dir, '.agentdeck'));
      writeFileSync(join(dir, '.agentdeck', 'state.db'), 'this is not a database file, just text that is long enough to be read as a header');
      const state = (await runHealth({ root: dir, env: {} }, { checks: healthChecks().filter((c) => c.id === 'state') })).results[0]!;
      expect(state.status).toBe('failing');
      expect(state.detail).toMatch(/^cannot open the state db: /);
      writeFileSync(join(dir, 'agentdeck.config.json'), '{"name":"good"}');
      expect((await runHealth({ root: dir, env: {} }, { checks: healthChecks().filter((c) => c.id === 'config') })).results[0]).toMatchObject({ status: 'ok', detail: 'agentdeck.config.json is valid (project good)' });
    } finally {
      done();
    }
  });
});

describe('the runner', () => {
  it('runs checks in parallel, each with its own time limit', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = (id: string): HealthCheck => ({
      id,
      label: id,
      run: ({ signal }) => {
        inFlight++;
        most = Math.max(most, inFlight);
        // Ends only when its time is up: run one after another, at most one would be in flight.
        signal.addEventListener('abort', () => inFlight--);
        return new Promise(() => {});
      },
    });
    const quick: HealthCheck = { id: 'quick', label: 'quick', run: () => Promise.resolve({ status: 'ok', detail: 'fine' }) };
    const report = await runHealth(target({}), { checks: [slow('a'), slow('b'), quick, slow('c')], timeoutMs: 100 });
    expect(most).toBe(3);
    expect(inFlight).toBe(0);
    expect(report.results.map((r) => [r.id, r.status, r.detail])).toEqual([
      ['a', 'failing', 'no answer within 100 ms'],
      ['b', 'failing', 'no answer within 100 ms'],
      ['quick', 'ok', 'fine'],
      ['c', 'failing', 'no answer within 100 ms'],
    ]);
    expect(report.ok).toBe(false);
  });

  it('turns a throwing check into failing with its reason, redacting secrets it echoes', async () => {
    const secret = 'sbp_abcdefabcdefabcdefabcdef012345';
    const leaky: HealthCheck = {
      id: 'leaky',
      label: 'Leaky',
      run: () => Promise.reject(new Error(`token ${secret} refused by postgres://u:pw123456@h/db\nsecond line`)),
    };
    const honest: HealthCheck = { id: 'ok', label: 'Fine', run: () => Promise.resolve({ status: 'ok', detail: `used ${secret}` }) };
    const report = await runHealth(target({ SUPABASE_ACCESS_TOKEN: secret }), { checks: [leaky, honest] });
    expect(report.results[0]).toMatchObject({ id: 'leaky', status: 'failing', detail: 'token [redacted] refused by postgres://u:[redacted]@h/db' });
    expect(report.results[1]!.detail).toBe('used [redacted]');
    expect(JSON.stringify(report)).not.toContain(secret);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const waiting: HealthCheck = {
      id: 'w',
      label: 'Waits for its signal',
      run: ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by caller')))),
    };
    const pending = runHealth(target({}), { checks: [waiting], signal: controller.signal, timeoutMs: 10_000 });
    controller.abort(new Error('the user pressed Ctrl+C'));
    expect((await pending).results[0]).toMatchObject({ status: 'failing', detail: 'the user pressed Ctrl+C' });
    // Aborted before the checks even start: they stop at once too.
    const late = await runHealth(target({}), { checks: [waiting], signal: controller.signal, timeoutMs: 10_000 });
    expect(late.results[0]).toMatchObject({ status: 'failing', detail: 'the user pressed Ctrl+C' });
  });

  it('lets another module register a check, replacing a built-in by id, and remove it again', async () => {
    const extra: HealthCheck = { id: 'edge-functions', label: 'Edge functions', run: () => Promise.resolve({ status: 'ok', detail: 'deployed' }) };
    const replaceState: HealthCheck = { id: 'state', label: 'State db (custom)', run: () => Promise.resolve({ status: 'ok', detail: 'custom' }) };
    const undo = [registerHealthCheck(extra), registerHealthCheck(replaceState)];
    try {
      const ids = healthChecks().map((c) => c.label);
      expect(ids).toContain('Edge functions');
      expect(ids).toContain('State db (custom)');
      expect(ids).not.toContain('State db');
    } finally {
      for (const u of undo) u();
    }
    expect(healthChecks().map((c) => c.id)).not.toContain('edge-functions');
    expect(healthChecks().find((c) => c.id === 'state')!.label).toBe('State db');
  });

  it('formats one aligned line per check', () => {
    const lines = formatHealthLines({
      ok: false,
      results: [
        { id: 'a', label: 'Short', status: 'ok', detail: 'fine', ms: 1 },
        { id: 'b', label: 'A longer label', status: 'failing', detail: 'HTTP 401', ms: 2 },
        { id: 'c', label: 'Mid', status: 'not_configured', detail: 'set X', ms: 0 },
      ],
    });
    expect(lines).toEqual(['✓ Short           ok: fine', '✗ A longer label  failing: HTTP 401', '· Mid             not configured: set X']);
  });
});

describe('long details', () => {
  it('are redacted before they are clipped, so a secret is never cut in half and shown', async () => {
    const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.' + 'x'.repeat(400);
    const echo: HealthCheck = { id: 'echo', label: 'Echo', run: () => Promise.resolve({ status: 'failing', detail: `${'a'.repeat(250)} ${secret}` }) };
    const r = (await runHealth(target({ SUPABASE_SERVICE_ROLE_KEY: secret }), { checks: [echo] })).results[0]!;
    expect(r.detail).toBe(`${'a'.repeat(250)} [redacted]`);
    const long: HealthCheck = { id: 'long', label: 'Long', run: () => Promise.resolve({ status: 'failing', detail: 'b'.repeat(500) }) };
    const clipped = (await runHealth(target({}), { checks: [long] })).results[0]!.detail;
    expect(clipped).toHaveLength(300);
    expect(clipped.endsWith('...')).toBe(true);
  });
});
