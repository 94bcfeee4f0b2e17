// Contract tests: the Management API client against the local fake, which checks every request
// against the vendored spec and answers with spec-valid bodies.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createManagementClient, managementConfigFrom, type ManagementClientOptions } from '../../../src/services/supabase/management-client.js';
import { ManagementApiError } from '../../../src/services/supabase/management-errors.js';
import { platform, type ReplicaRegion } from '../../../src/services/supabase/platform.js';
import { startFakeManagementApi, type FakeManagementApi } from '../../fakes/management-api/server.js';

let fake: FakeManagementApi;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
const waits: number[] = [];
const fastSleep = (ms: number): Promise<void> => {
  waits.push(ms);
  return Promise.resolve();
};

function api(options: ManagementClientOptions = {}, env: Record<string, string> = {}) {
  const config = managementConfigFrom({ SUPABASE_API_URL: fake.url, SUPABASE_ACCESS_TOKEN: fake.token, SUPABASE_PROJECT_REF: fake.ref, ...env });
  if (!config) throw new Error('no config');
  const client = createManagementClient(config, { sleep: fastSleep, backoffMs: 1, timeoutMs: 2000, ...options });
  return { client, p: platform(client) };
}

async function failure(promise: Promise<unknown>): Promise<ManagementApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ManagementApiError);
    return error as ManagementApiError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fake = await startFakeManagementApi({ polls: 2 });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  expect(fake.violations).toEqual([]);
  fake.reset();
  waits.length = 0;
});

describe('configuration', () => {
  it('reads the base URL, token and project from the environment', () => {
    const c = managementConfigFrom({ SUPABASE_ACCESS_TOKEN: 'sbp_x', SUPABASE_API_URL: 'http://localhost:9/v1/', SUPABASE_PROJECT_REF: 'abc' });
    expect(c).toEqual({ baseUrl: 'http://localhost:9', token: 'sbp_x', ref: 'abc' });
    expect(managementConfigFrom({ SUPABASE_ACCESS_TOKEN: 'sbp_x' })?.baseUrl).toBe('https://api.supabase.com');
    expect(managementConfigFrom({ SUPABASE_PROJECT_REF: 'abc' })).toBeNull();
  });

  it('says clearly when the project ref is missing or malformed', async () => {
    const { p: none } = api({}, { SUPABASE_PROJECT_REF: '' });
    expect((await failure(none.listBackups())).message).toMatch(/set SUPABASE_PROJECT_REF/);
    const { p: bad } = api({}, { SUPABASE_PROJECT_REF: 'Not-A-Ref' });
    expect((await failure(bad.listBackups())).message).toMatch(/expected 20 lowercase letters/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('operations against the spec', () => {
  it('lists backups with the bearer token', async () => {
    const { p } = api();
    const list = await p.listBackups();
    expect(list.backups.map((b) => b.id)).toEqual([101, 102]);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', template: '/v1/projects/{ref}/database/backups', authorization: `Bearer ${fake.token}` });
  });

  it('restores a backup and the project goes through RESTORING', async () => {
    const { p } = api();
    await p.restoreBackup(102);
    expect(fake.requests.at(-1)?.body).toEqual({ id: 102 });
    expect((await p.getProject()).status).toBe('RESTORING');
    expect((await p.getProject()).status).toBe('ACTIVE_HEALTHY');
  });

  it('sends a point-in-time restore as unix seconds and maps 422 outside the window', async () => {
    const { p } = api();
    await p.restorePitr(1_763_500_000);
    expect(fake.requests.at(-1)?.body).toEqual({ recovery_time_target_unix: 1_763_500_000 });
    const err = await failure(p.restorePitr(1_000));
    expect(err.code).toBe('unprocessable');
    expect(err.message).toMatch(/^point-in-time restore failed \(HTTP 422: recovery_time_target_unix must be between/);
  });

  it('reads and sets the backup schedule', async () => {
    const { p } = api();
    expect((await p.getSchedule()).schedule_for).toBe('04:00:00');
    expect((await p.setSchedule('02:30:00')).schedule_for).toBe('02:30:00');
    fake.state.scheduleAllowed = false;
    const err = await failure(p.getSchedule());
    expect(err.code).toBe('payment_required');
    expect(err.message).toMatch(/needs a higher plan/);
  });

  it('sets up, lists and removes a read replica', async () => {
    const { p } = api();
    await p.setupReplica('eu-west-2');
    expect(fake.requests.at(-1)?.body).toEqual({ read_replica_region: 'eu-west-2' });
    await p.listPooler();
    const endpoints = await p.listPooler();
    const replica = endpoints.find((e) => e.database_type === 'READ_REPLICA');
    expect(replica?.identifier).toContain('-rr-eu-west-2-');
    await p.removeReplica(replica!.identifier);
    expect((await p.listPooler()).some((e) => e.database_type === 'READ_REPLICA')).toBe(false);
  });

  it('reads and replaces the Postgres config', async () => {
    const { p } = api();
    const cfg = await p.getPostgresConfig();
    await p.putPostgresConfig({ ...cfg, work_mem: '8MB' });
    expect(await p.getPostgresConfig()).toMatchObject({ max_connections: 100, work_mem: '8MB' });
  });

  it('patches network restrictions and reports the stored then applied status', async () => {
    const { p } = api();
    const res = await p.patchNetworkRestrictions({ add: { dbAllowedCidrs: ['203.0.113.0/24'] }, remove: { dbAllowedCidrs: ['0.0.0.0/0'] } });
    expect(res.status).toBe('stored');
    expect(res.config.dbAllowedCidrs).toContainEqual({ address: '203.0.113.0/24', type: 'v4' });
    // Today's platform keeps the change pending until it is reviewed (apply or reject).
    const pending = await p.getNetworkRestrictions();
    expect(pending.status).toBe('applied');
    expect(pending.config.dbAllowedCidrs).toEqual(['0.0.0.0/0']);
    expect(pending.pending_change?.config.dbAllowedCidrs).toEqual(['203.0.113.0/24']);
    const reviewed = await p.reviewNetworkRestrictions('apply', pending.pending_change!.requested_at);
    expect(reviewed.status).toBe('stored');
    await expect(p.reviewNetworkRestrictions('apply', pending.pending_change!.requested_at)).rejects.toMatchObject({ status: 404 });
    await p.getNetworkRestrictions();
    const after = await p.getNetworkRestrictions();
    expect(after.status).toBe('applied');
    expect(after.config.dbAllowedCidrs).toEqual(['203.0.113.0/24']);
  });

  it('runs a query and reads advisors and SSL enforcement', async () => {
    fake.state.queryRows.push({ match: 'pg_policies', rows: [{ tablename: 'leads', policyname: 'own rows' }] });
    const { p } = api();
    expect(await p.runQuery('select * from pg_policies')).toEqual([{ tablename: 'leads', policyname: 'own rows' }]);
    expect(fake.requests.at(-1)).toMatchObject({ operationId: 'v1-read-only-query', body: { query: 'select * from pg_policies' } });
    await p.runQuery('select 1', false);
    expect(fake.requests.at(-1)).toMatchObject({ operationId: 'v1-run-a-query', body: { query: 'select 1', read_only: false } });
    expect((await p.securityAdvisors()).lints[0]?.name).toBe('rls_disabled_in_public');
    expect((await p.sslEnforcement()).currentConfig.database).toBe(false);
  });

  it('the fake refuses a request the spec does not allow, and records it', async () => {
    const { p } = api();
    const err = await failure(p.setupReplica('mars-north-1' as ReplicaRegion));
    expect(err.code).toBe('bad_request');
    expect(fake.violations.join('\n')).toMatch(/body\.read_replica_region: "mars-north-1" is not one of/);
    fake.violations.length = 0;
  });
});

describe('failures become one clear line', () => {
  const cases: [number, string, RegExp][] = [
    [401, 'unauthorized', /set SUPABASE_ACCESS_TOKEN to a valid personal access token/],
    [402, 'payment_required', /higher plan/],
    [403, 'forbidden', /Owner or Administrator/],
    [404, 'not_found', /check SUPABASE_PROJECT_REF \(abcdefghijklmnopqrst\)/],
    [422, 'unprocessable', /refused the values/],
    [500, 'server_error', /try again in a few minutes/],
    [503, 'server_error', /status\.supabase\.com/],
    [409, 'http_error', /unexpected answer from the platform/],
  ];
  for (const [status, code, text] of cases) {
    it(`${status} -> ${code}`, async () => {
      fake.inject({ kind: 'status', status, times: 10, message: `failure mentioning ${fake.token}` });
      const { p } = api({ readRetries: 1 });
      const err = await failure(p.listBackups());
      expect(err.code).toBe(code);
      expect(err.status).toBe(status);
      expect(err.message).toMatch(/^list backups failed \(HTTP \d{3}/);
      expect(err.message).toMatch(text);
      expect(err.message).not.toContain('\n');
      expect(err.message).not.toContain(fake.token);
    });
  }

  it('a real 401 from a wrong token', async () => {
    const { p } = api({}, { SUPABASE_ACCESS_TOKEN: 'sbp_wrongwrongwrongwrongwrong' });
    const err = await failure(p.listBackups());
    expect(err.code).toBe('unauthorized');
    expect(err.message).not.toContain('sbp_wrong');
  });
});

describe('rate limits, retries and timeouts', () => {
  it('waits for the reset of a 429 and retries, also for a POST', async () => {
    fake.inject({ kind: 'status', status: 429, resetSeconds: 7, match: 'v1-restore-physical-backup' });
    const { p } = api();
    await p.restoreBackup(101);
    expect(waits).toContain(7000);
    expect(fake.requests.filter((r) => r.operationId === 'v1-restore-physical-backup')).toHaveLength(2);
  });

  it('waits with a real timer for a short reset', async () => {
    fake.inject({ kind: 'status', status: 429, resetSeconds: 1 });
    const { p } = api({ sleep: undefined });
    const started = Date.now();
    await p.listBackups();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('gives up on 429 after its retries with the time to wait', async () => {
    fake.inject({ kind: 'status', status: 429, resetSeconds: 30, times: 10 });
    const { p } = api({ rateLimitRetries: 2 });
    const err = await failure(p.listBackups());
    expect(err.code).toBe('rate_limited');
    expect(err.message).toMatch(/try again in 30 s/);
    expect(fake.requests).toHaveLength(3);
  });

  it('does not wait longer than its limit for a reset', async () => {
    fake.inject({ kind: 'status', status: 429, resetSeconds: 3600 });
    const { p } = api({ maxWaitMs: 10_000 });
    expect((await failure(p.listBackups())).code).toBe('rate_limited');
    expect(waits).toEqual([]);
  });

  it('waits before calling when the window is spent', async () => {
    const { client, p } = api();
    fake.inject({ kind: 'status', status: 429, resetSeconds: 5 });
    await p.listBackups();
    expect(client.rateLimit.limit).toBe(120);
    expect(waits).toEqual([5000]);
  });

  it('clients sharing a rate limit window wait for its reset together', async () => {
    const shared = { limit: 120, remaining: 0, resetAt: Date.now() + 3000 };
    const { p } = api({ rateLimit: shared });
    await p.listBackups();
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(2000);
    expect(shared.remaining).toBeGreaterThan(0);
  });

  it('retries a GET after a 500 and succeeds', async () => {
    fake.inject({ kind: 'status', status: 500, times: 2 });
    const { p } = api();
    expect((await p.listBackups()).backups).toHaveLength(2);
    expect(fake.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('does not retry a POST after a 500', async () => {
    fake.inject({ kind: 'status', status: 500 });
    const { p } = api();
    expect((await failure(p.restoreBackup(101))).code).toBe('server_error');
    expect(fake.requests).toHaveLength(1);
  });

  it('times out a call that gets no answer, and retries a GET', async () => {
    fake.inject({ kind: 'timeout', match: 'v1-get-ssl-enforcement-config' });
    const { p } = api({ timeoutMs: 200, readRetries: 0 });
    const err = await failure(p.sslEnforcement());
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/^read SSL enforcement failed: no answer from 127\.0\.0\.1:\d+ within 200 ms/);
    fake.inject({ kind: 'timeout' });
    const { p: retrying } = api({ timeoutMs: 200, readRetries: 1 });
    expect((await retrying.sslEnforcement()).appliedSuccessfully).toBe(true);
  });

  it('times out on its own even when the fetch under it ignores the abort', async () => {
    // A fetch that never settles, whatever its signal does: the timeout alone must end the call.
    const { p } = api({ timeoutMs: 150, readRetries: 0, fetch: () => new Promise<Response>(() => undefined) });
    const err = await failure(p.listBackups());
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/within 150 ms/);
  });

  it('several calls in a row to a platform that never answers each end at their timeout', async () => {
    const { p } = api({ timeoutMs: 150, readRetries: 1, backoffMs: 10 });
    for (const call of [() => p.listBackups(), () => p.sslEnforcement(), () => p.listBackups(), () => p.getNetworkRestrictions()]) {
      fake.inject({ kind: 'timeout', times: 2 });
      expect((await failure(call())).code).toBe('timeout');
    }
  });

  it('retries a GET over a dropped connection; a POST reports it', async () => {
    fake.inject({ kind: 'drop' });
    const { p } = api();
    expect((await p.listBackups()).backups).toHaveLength(2);
    fake.inject({ kind: 'drop' });
    const err = await failure(p.restoreBackup(101));
    expect(err.code).toBe('network');
    expect(err.message).toMatch(/^restore backup failed: could not reach 127\.0\.0\.1:\d+ \(.+\); check the network/);
  });

  it('reports an unreachable host in one line', async () => {
    const port = await closedPort();
    const { p } = api({ readRetries: 0 }, { SUPABASE_API_URL: `http://127.0.0.1:${port}` });
    const err = await failure(p.listBackups());
    expect(err.code).toBe('network');
    expect(err.message).toContain(`could not reach 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('stops when its caller cancels', async () => {
    fake.inject({ kind: 'timeout' });
    const controller = new AbortController();
    const { p } = api({ signal: controller.signal, timeoutMs: 5000 });
    const pending = failure(p.listBackups());
    setTimeout(() => controller.abort(), 50);
    expect((await pending).message).toBe('list backups cancelled');
  });
});

describe('reset header forms', () => {
  it('reads seconds, epoch seconds, epoch ms and HTTP dates', async () => {
    const { resetDelayMs } = await import('../../../src/services/supabase/resilient-fetch.js');
    const now = 1_763_000_000_000;
    expect(resetDelayMs('7', now)).toBe(7000);
    expect(resetDelayMs(String(now / 1000 + 3), now)).toBe(3000);
    expect(resetDelayMs(String(now + 250), now)).toBe(250);
    expect(resetDelayMs(new Date(now + 2000).toUTCString(), now)).toBe(2000);
    expect(resetDelayMs('soon', now)).toBeNull();
    expect(resetDelayMs(null, now)).toBeNull();
    expect(resetDelayMs('', now)).toBeNull();
  });
});
