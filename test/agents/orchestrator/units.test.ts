import { describe, expect, it } from 'vitest';
import { checkGate, checkPreconditions } from '../../../src/agents/orchestrator/gates.js';
import { needsApproval, policyKeyFor, resolvePolicy, targetOf } from '../../../src/agents/orchestrator/policy.js';
import { runDetail } from '../../../src/agents/orchestrator/run-view.js';
import { requestToolApproval } from '../../../src/agents/orchestrator/tool-approval.js';
import { resolveApproval } from '../../../src/agents/orchestrator/approvals-repo.js';
import { engineOf } from '../../../src/agents/orchestrator/internals.js';
import { toolPolicy } from '../../../src/agents/runtime/tool-policy.js';
import { pickRuntime } from '../../../src/agents/runtime/index.js';
import { findCommand } from '../../../src/commands/registry.js';
import { makeContext } from '../../helpers/context.js';
import { deployish, TEST_SPECS, appendHandlers, parsed } from './fixtures.js';

describe('gates', () => {
  it('reads confidence as a fraction or a percent', () => {
    expect(checkGate('UNDERSTAND', [{ confidence: 96 }, { confidence: 0.99 }])).toBeNull();
    expect(checkGate('UNDERSTAND', [{ confidence: 94 }])).toBe('understanding confidence 94% is below 95%');
    expect(checkGate('ANALYZE', [{ criticalCycles: ['a -> b -> a'] }])).toBe('critical circular dependency: a -> b -> a');
    expect(checkGate('VALIDATE', [{ passed: false }])).toBe('validation did not pass');
    expect(checkGate('EXECUTE', [{ errors: 2 }])).toBe('2 post-execution error(s)');
    expect(checkGate('VERIFY', [null, 'text', [1], { errors: 0 }])).toBeNull();
    expect(checkPreconditions([{ preconditions: { a: true } }, undefined])).toBeNull();
  });
});

describe('policy', () => {
  it('follows the plan: destructive, production and credentials need approval; staging and code do not', () => {
    const p = resolvePolicy();
    const deploy = findCommand('deploy');
    expect(deploy).toBeDefined();
    if (!deploy) return;
    expect(needsApproval(p, deploy, { env: 'production' })).toBe(true);
    expect(needsApproval(p, deploy, { env: 'staging' })).toBe(false);
    expect(policyKeyFor(deploy, { env: 'staging' })).toBe('stagingDeployment');
    expect(needsApproval(resolvePolicy({ stagingDeployment: true }), deploy, { env: 'staging' })).toBe(true);
    expect(targetOf({})).toBe('local');
    expect(targetOf({ target: 'db-main' })).toBe('db-main');
  });
});

describe('tool policy', () => {
  it('refuses writes outside the working directory, secrets and destructive shell', () => {
    expect(toolPolicy('Write', { file_path: '/etc/passwd' }, '/work/x')).toBe('/etc/passwd is outside the working directory /work/x');
    expect(toolPolicy('Edit', { file_path: 'src/a.ts' }, '/work/x')).toBeNull();
    expect(toolPolicy('Read', { path: 'config/prod.pem' }, '/work/x')).toBe('config/prod.pem holds secrets; agents do not read or write it');
    expect(toolPolicy('Bash', { command: 'git push --force origin main' }, '/w')).toBe("refused by the project's policy: force push");
    expect(toolPolicy('Bash', { command: 'psql -c "DROP TABLE estimates"' }, '/w')).toMatch(/destructive SQL/);
    expect(toolPolicy('Bash', { command: 'npm test' }, '/w')).toBeNull();
    expect(toolPolicy('Bash', {}, '/w')).toBeNull();
  });
});

describe('runtime choice', () => {
  it('uses claude only with a key or when asked', () => {
    expect(pickRuntime({ env: {} }).name).toBe('deterministic');
    expect(pickRuntime({ env: { ANTHROPIC_API_KEY: 'x' } }).name).toBe('claude');
    expect(pickRuntime({ env: { ANTHROPIC_API_KEY: 'x' }, prefer: 'deterministic' }).hasModel).toBe(false);
  });
});

describe('tool approvals', () => {
  it('needs a run, remembers an approved call, and ends on expiry', async () => {
    const noRun = makeContext({ run: false });
    try {
      expect(await requestToolApproval(noRun.engine.context({ agent: 'ops', run: false }), { tool: 'Bash', input: {} })).toEqual({ allow: false, message: 'Bash needs an approval, which only a run can wait for' });
    } finally {
      noRun.cleanup();
    }
    const t = makeContext({ agent: 'ops', config: { approvals: { ttlMinutes: 0.001 } } });
    try {
      const first = requestToolApproval(t.ctx, { tool: 'Bash', input: { command: 'ls' }, reason: 'look around' }, 5);
      await new Promise((r) => setTimeout(r, 20));
      resolveApproval(t.state, 'APR-0001', 'approved', 'you');
      expect(await first).toEqual({ allow: true });
      // The same call again in the same run: already approved.
      expect(await requestToolApproval(t.ctx, { tool: 'Bash', input: { command: 'ls' } }, 5)).toEqual({ allow: true });
      expect(await requestToolApproval(t.ctx, { tool: 'Bash', input: { command: 'pwd' } }, 5)).toEqual({ allow: false, message: 'approval APR-0002 for Bash expired' });
      expect(engineOf(t.ctx).root).toBe(t.root);
    } finally {
      t.cleanup();
    }
  });
});

describe('run detail', () => {
  it('shows steps, approvals and the recovery plan', async () => {
    const t = makeContext({ run: false, extra: { specs: TEST_SPECS, handlers: appendHandlers() } });
    try {
      const r = await t.engine.dispatch(parsed(deployish, { env: 'production' }), { initiator: 'you' });
      const lines = runDetail(t.state, r.runId as string) ?? [];
      expect(lines[0]).toBe(`${r.runId} waiting_approval (phase VALIDATE): test deploy production`);
      expect(lines).toContain('  ✓ VALIDATE   stage-1  check [done]');
      expect(lines).toContain('  approval APR-0001 pending: test deploy (env=production) on production');
      t.state.db.prepare('UPDATE runs SET recovery_json = ? WHERE id = ?').run(JSON.stringify({ failedStep: 'x', error: 'y', rolledBack: ['a'], compensationFailures: [], leftInPlace: [], actions: ['do z'] }), r.runId as string);
      expect(runDetail(t.state, r.runId as string)?.slice(-3)).toEqual(['  recovery plan (failed at "x": y)', '    rolled back: a', '    - do z']);
      expect(runDetail(t.state, 'RUN-9999')).toBeNull();
      expect(() => engineOf({} as never)).toThrow('this context was not built by the orchestrator engine');
    } finally {
      t.cleanup();
    }
  });
});
