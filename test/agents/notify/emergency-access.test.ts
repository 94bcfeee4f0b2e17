// Emergency access end to end through the real engine: approval first, then a one-time link
// from a local Supabase Auth admin stand-in; the link is shown once and stored nowhere.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { startFakeAuth, type FakeAuth } from './fake-auth.js';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2VydmljZS1yb2xlLXNpZ25hdHVyZQ';
const USER = '123e4567-e89b-12d3-a456-426614174000';
const PHONE_USER = '223e4567-e89b-12d3-a456-426614174000';
let auth: FakeAuth;
let t: TestContext;

beforeAll(async () => {
  auth = await startFakeAuth(KEY, [
    { id: USER, email: 'ada@example.com' },
    { id: PHONE_USER, email: null },
  ]);
});
afterAll(async () => {
  await auth.close();
});
beforeEach(() => {
  t = makeContext({ secrets: [KEY] });
  writeFileSync(join(t.root, '.env'), `SUPABASE_URL=${auth.url}\nSUPABASE_SERVICE_ROLE_KEY=${KEY}\n`);
});
afterEach(() => t.cleanup());

function everythingStored(): string {
  t.bus.flush();
  const tables = ['events', 'audit', 'runs', 'steps', 'approvals', 'outbox', 'kv'];
  return tables.map((name) => JSON.stringify(t.state.db.prepare(`SELECT * FROM ${name}`).all())).join('\n');
}

describe('emergency access', () => {
  it('waits for an approval, then shows a one-time link once and audits only that it was issued', async () => {
    const first = await t.engine.dispatch(`emergency access ${USER} --reason "customer cannot see estimates"`, { initiator: 'you' });
    expect(first.status).toBe('waiting_approval');
    expect(first.approvalId).toBeTruthy();
    expect(auth.requests).toHaveLength(0); // nothing happens before the approval

    const approved = await t.engine.dispatch(`approve ${first.approvalId}`, { initiator: 'you' });
    expect(approved.ok).toBe(true);
    expect(auth.links).toHaveLength(1);
    const link = auth.links[0]!;
    expect(approved.lines).toContain(link);
    expect(approved.message).toMatch(/One-time sign-in link issued for ada@example.com/);
    expect(approved.message).not.toContain(link);
    expect(JSON.stringify(approved.data)).not.toContain(link);
    expect(auth.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /auth/v1/admin/users/${USER}`, 'POST /auth/v1/admin/generate_link']);
    expect(auth.requests[1]?.body).toMatchObject({ type: 'magiclink', email: 'ada@example.com' });

    const stored = everythingStored();
    expect(stored).not.toContain(link);
    expect(stored).not.toContain(link.split('token=')[1]!.split('&')[0]!);
    expect(stored).not.toContain(KEY);
    const issued = t.state.db.prepare(`SELECT * FROM audit WHERE action = 'emergency access: sign-in link issued'`).all() as { target: string; result: string; data_json: string }[];
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ target: USER, result: 'issued' });
    expect(JSON.parse(issued[0]!.data_json)).toEqual({ user: USER, email: 'ada@example.com', reason: 'customer cannot see estimates' });
    expect(t.lines().join('\n')).toContain('[OPS] ⚠ One-time sign-in link issued for ada@example.com');
  });

  it('accepts an email address and says clearly when the user is unknown or has no email', async () => {
    const byEmail = await t.engine.dispatch(`emergency access ada@example.com --reason "support ticket 42"`, { initiator: 'you' });
    const done = await t.engine.dispatch(`approve ${byEmail.approvalId}`, { initiator: 'you' });
    expect(done.ok).toBe(true);
    expect(auth.requests.at(-1)?.path).toBe('/auth/v1/admin/generate_link');

    const unknown = await t.engine.dispatch(`emergency access 999e4567-e89b-12d3-a456-426614174000 --reason "lost access"`, { initiator: 'you' });
    const missing = await t.engine.dispatch(`approve ${unknown.approvalId}`, { initiator: 'you' });
    expect(missing.ok).toBe(false);
    expect(missing.message).toMatch(/user 999e4567-e89b-12d3-a456-426614174000: no such user/);

    const phone = await t.engine.dispatch(`emergency access ${PHONE_USER} --reason "lost access"`, { initiator: 'you' });
    const noEmail = await t.engine.dispatch(`approve ${phone.approvalId}`, { initiator: 'you' });
    expect(noEmail.message).toMatch(/has no email address/);
  });

  it('refuses without Supabase credentials, and reports a refused key without showing it', async () => {
    writeFileSync(join(t.root, '.env'), '');
    const none = await t.engine.dispatch(`emergency access ${USER} --reason "lost access"`, { initiator: 'you' });
    expect(none).toMatchObject({ ok: false, message: expect.stringMatching(/needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY/) });

    writeFileSync(join(t.root, '.env'), `SUPABASE_URL=${auth.url}\nSUPABASE_SERVICE_ROLE_KEY=wrong-key-value-1234\n`);
    const wrong = await t.engine.dispatch(`emergency access ${USER} --reason "lost access"`, { initiator: 'you' });
    const refused = await t.engine.dispatch(`approve ${wrong.approvalId}`, { initiator: 'you' });
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/Supabase refused the service role key \(HTTP 401\)/);
    expect(refused.message).not.toContain('wrong-key-value-1234');

    writeFileSync(join(t.root, '.env'), `SUPABASE_URL=http://127.0.0.1:9\nSUPABASE_SERVICE_ROLE_KEY=${KEY}\n`);
    const down = await t.engine.dispatch(`emergency access ${USER} --reason "lost access"`, { initiator: 'you' });
    const unreachable = await t.engine.dispatch(`approve ${down.approvalId}`, { initiator: 'you' });
    expect(unreachable.message).toMatch(/cannot reach Supabase/);
  });

  it('a rejected request never creates a link', async () => {
    const before = auth.requests.length;
    const first = await t.engine.dispatch(`emergency access ${USER} --reason "curious"`, { initiator: 'you' });
    const rejected = await t.engine.dispatch(`reject ${first.approvalId} not a real incident`, { initiator: 'you' });
    expect(rejected.message).toMatch(/Rejected/);
    expect(auth.requests.length).toBe(before);
  });
});
