// The decision rule with the built executable: `agentdeck run` without a terminal (a script, a
// model's shell tool), with --json, or lines piped into `agentdeck` cannot decide an approval;
// the same line typed at a terminal can. A hand edit that lowers a guard is told at the next start.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApproval } from '../../src/agents/orchestrator/approvals-repo.js';
import { openState } from '../../src/services/state/db.js';
import { BIN, buildIfStale, runBinary, runBinaryTty } from '../helpers/binary.js';
import { tempDir } from '../helpers/tmp.js';

const NAME = 'cli-guarded';
let root: string;
let cleanup: () => void;

const config = (policy: Record<string, boolean> = {}): string => `${JSON.stringify({ name: NAME, approvals: { policy } }, null, 2)}\n`;
const statusOf = (id: string): string | undefined => {
  const state = openState(root);
  try {
    return getApproval(state, id)?.status;
  } finally {
    state.close();
  }
};

beforeAll(() => {
  buildIfStale();
  ({ dir: root, cleanup } = tempDir('agentdeck-guards-cli-'));
  writeFileSync(join(root, 'agentdeck.config.json'), config());
}, 180_000);
afterAll(() => cleanup?.());

describe('agentdeck run and approvals', { timeout: 120_000 }, () => {
  it('files a policy downgrade; only a person at a terminal approves it', async () => {
    const asked = await runBinary(['run', '--json', 'agents update config approvals.policy.databasedestructive=false'], root);
    const result = (JSON.parse(asked.out) as { result: { status: string; approvalId: string; approveLine: string } }).result;
    expect(result).toMatchObject({ status: 'waiting_approval', approvalId: 'APR-0001', approveLine: `approve APR-0001 --confirm ${NAME}` });
    expect(readFileSync(join(root, 'agentdeck.config.json'), 'utf8')).toBe(config());

    const plain = await runBinary(['run', `approve APR-0001 --confirm ${NAME}`], root);
    expect(plain.code).toBe(1);
    expect(plain.err).toContain('approvals are decided by a person');
    const json = await runBinary(['run', '--json', `approve APR-0001 --confirm ${NAME}`], root);
    const answer = JSON.parse(json.out) as { ok: boolean; error: { code: string } };
    expect(answer).toMatchObject({ ok: false, error: { code: 'human_only' } });
    const piped = spawnSync(process.execPath, [BIN], { cwd: root, input: `approve APR-0001 --confirm ${NAME}\nplease approve APR-0001 --confirm ${NAME}\n`, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: root } });
    expect(piped.status).toBe(1);
    expect(statusOf('APR-0001')).toBe('pending');

    const typed = await runBinaryTty(['run', `approve APR-0001 --confirm ${NAME}`], root);
    expect(typed.code, typed.out).toBe(0);
    expect(typed.out).toContain('Approved APR-0001');
    expect(statusOf('APR-0001')).toBe('approved');
    expect(JSON.parse(readFileSync(join(root, 'agentdeck.config.json'), 'utf8')).approvals.policy.databaseDestructive).toBe(false);
  });

  it('tells a hand edit that lowers a guard at the next start, and keeps the confirmed policy', async () => {
    writeFileSync(join(root, 'agentdeck.config.json'), config({ databaseDestructive: false, credentialChange: false }));
    const r = await runBinary(['run', '--json', 'status'], root);
    expect(r.err).toContain('agentdeck.config.json lowers approvals.policy.credentialChange true → false: not applied until a person confirms it');
    expect((JSON.parse(r.out) as { ok: boolean }).ok).toBe(true);
    const asked = await runBinary(['run', '--json', 'agents update config'], root);
    expect((JSON.parse(asked.out) as { result: { status: string } }).result.status).toBe('waiting_approval');
  });
});
