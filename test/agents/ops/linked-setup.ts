// The shared set-up of the linked-project Ops tests: the spec-checked fake Management API as the
// linked project (through the environment, as a user sets it), an engine context, and a check
// after each test that neither side broke the spec.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { CommandResult } from '../../../src/agents/types.js';
import { startFakeManagementApi, type FakeManagementApi } from '../../fakes/management-api/server.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

const VARS = ['SUPABASE_ACCESS_TOKEN', 'SUPABASE_PROJECT_REF', 'SUPABASE_DB_URL', 'DATABASE_URL', 'SUPABASE_API_URL', 'AGENTDECK_OPS_TARGET', 'AGENTDECK_POLL_MS', 'SUPABASE_API_TIMEOUT_MS', 'SUPABASE_API_BACKOFF_MS'];

export interface LinkedSetup {
  readonly fake: FakeManagementApi;
  readonly t: TestContext;
  run(line: string): Promise<CommandResult>;
}

/** Registers the hooks; the returned object is filled in before the first test runs. */
export function useLinkedProject(env: Record<string, string> = {}): LinkedSetup {
  const saved: Record<string, string | undefined> = {};
  const setup = {} as { fake: FakeManagementApi; t: TestContext; run(line: string): Promise<CommandResult> };
  beforeAll(async () => {
    for (const k of VARS) saved[k] = process.env[k];
    setup.fake = await startFakeManagementApi({ polls: 2 });
    process.env.SUPABASE_API_URL = setup.fake.url;
    process.env.SUPABASE_ACCESS_TOKEN = setup.fake.token;
    process.env.SUPABASE_PROJECT_REF = setup.fake.ref;
    process.env.AGENTDECK_POLL_MS = '5';
    for (const k of ['SUPABASE_DB_URL', 'DATABASE_URL', 'AGENTDECK_OPS_TARGET', 'SUPABASE_API_TIMEOUT_MS', 'SUPABASE_API_BACKOFF_MS']) delete process.env[k];
    Object.assign(process.env, env);
    setup.t = makeContext({ agent: 'ops', secrets: [setup.fake.token] });
    setup.run = (line) => setup.t.engine.dispatch(line, { initiator: 'you' });
  });
  afterAll(async () => {
    setup.t.cleanup();
    await setup.fake.close();
    for (const k of VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  afterEach(() => {
    expect(setup.fake.violations).toEqual([]);
    setup.fake.reset();
  });
  return setup;
}
