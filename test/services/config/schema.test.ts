import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_POLICY } from '../../../src/commands/types.js';
import { DEFAULT_CONCURRENCY, DEFAULT_REPAIR_ROUNDS, parseConfig } from '../../../src/services/config/schema.js';

function errors(input: unknown): string[] {
  const r = parseConfig(input, 'fallback');
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('parseConfig', () => {
  it('fills every default from an empty object', () => {
    const r = parseConfig({}, 'my-app');
    expect(r).toEqual({
      ok: true,
      config: {
        name: 'my-app',
        test: null,
        build: null,
        deploy: { staging: [], production: [] },
        approvals: { policy: DEFAULT_APPROVAL_POLICY, ttlMinutes: 1440 },
        agents: { concurrency: DEFAULT_CONCURRENCY, repairRounds: DEFAULT_REPAIR_ROUNDS },
        email: { to: [], from: null, subjectPrefix: '[agentdeck]' },
        maintenance: { on: [], off: [] },
      },
    });
  });

  it('normalises commands to argv and merges overrides over the defaults', () => {
    const r = parseConfig(
      {
        name: 'crm',
        test: 'npm test -- --run',
        build: ['npm', 'run', 'build'],
        deploy: { staging: 'npx supabase db push', production: ['npm run deploy:prod', ['npx', 'vercel', '--prod']] },
        approvals: { policy: { stagingDeployment: true, databaseDestructive: false }, ttlMinutes: 30 },
        agents: { concurrency: { bughunter: 4 } },
        email: { to: 'ops@example.com', from: 'deck@example.com' },
      },
      'x',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.test).toEqual(['npm', 'test', '--', '--run']);
    expect(r.config.build).toEqual(['npm', 'run', 'build']);
    expect(r.config.deploy.staging).toEqual([['npx', 'supabase', 'db', 'push']]);
    expect(r.config.deploy.production).toEqual([
      ['npm', 'run', 'deploy:prod'],
      ['npx', 'vercel', '--prod'],
    ]);
    expect(r.config.approvals.policy).toEqual({ ...DEFAULT_APPROVAL_POLICY, stagingDeployment: true, databaseDestructive: false });
    expect(r.config.approvals.ttlMinutes).toBe(30);
    expect(r.config.agents.concurrency).toEqual({ ...DEFAULT_CONCURRENCY, bughunter: 4 });
    expect(r.config.email).toEqual({ to: ['ops@example.com'], from: 'deck@example.com', subjectPrefix: '[agentdeck]' });
  });

  it('says one clear line per mistake, naming the setting, what is accepted and what was given', () => {
    const lines = errors({
      agents: { concurrency: { bughunter: 'x', codesmith: 0, stage: 2.5, wizard: 1 } },
      approvals: { policy: { productionDeployment: 'yes', deployEverything: true }, ttlMinutes: -1 },
      deploy: { staging: 'npm run deploy && echo done', qa: [] },
      test: 42,
      email: { to: ['not-an-email'] },
      colour: 'blue',
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        'agentdeck.config.json: agents.concurrency.bughunter: expected a whole number from 1 to 16, got "x"',
        'agentdeck.config.json: agents.concurrency.codesmith: expected a whole number from 1 to 16, got 0',
        'agentdeck.config.json: agents.concurrency.stage: expected a whole number from 1 to 16, got 2.5',
        'agentdeck.config.json: agents.concurrency.wizard: unknown setting (accepted: orchestrator, bughunter, codesmith, migrator, stage, ops)',
        'agentdeck.config.json: approvals.policy.productionDeployment: expected true or false, got "yes"',
        expect.stringMatching(/^agentdeck\.config\.json: approvals\.policy\.deployEverything: unknown setting \(accepted: databaseDestructive, /),
        'agentdeck.config.json: approvals.ttlMinutes: expected a whole number of minutes from 1 to 10080 (a week), got -1',
        expect.stringMatching(/^agentdeck\.config\.json: deploy\.staging\[0\]: "&" is shell syntax.*got "npm run deploy && echo done"$/),
        'agentdeck.config.json: deploy.qa: unknown setting (accepted: staging, production)',
        expect.stringMatching(/^agentdeck\.config\.json: test: expected a command: .*, got 42$/),
        'agentdeck.config.json: email.to[0]: expected an email address like ops@example.com, got "not-an-email"',
        expect.stringMatching(/^agentdeck\.config\.json: colour: unknown setting \(accepted: \$schema, name, test, build, deploy, approvals, agents, .*email/),
      ]),
    );
    expect(lines).toHaveLength(12);
  });

  it('takes 0 to 10 repair rounds and says so for anything else', () => {
    const r = parseConfig({ agents: { repairRounds: 0 } }, 'fallback');
    expect(r.ok && r.config.agents.repairRounds).toBe(0);
    for (const bad of [11, 1.5, -1, 'three']) {
      expect(errors({ agents: { repairRounds: bad } })[0]).toMatch(/agents\.repairRounds.*expected a whole number of repair rounds from 0 to 10/);
    }
  });

  it('rejects a file that is not an object', () => {
    expect(errors([1, 2])[0]).toMatch(/^agentdeck\.config\.json: \(top level\): .*got \[1,2\]$/);
  });

  it('clips long values in error lines', () => {
    const line = errors({ name: 7, test: ['x'.repeat(10), 5] }).join('\n');
    expect(line).toContain('name: expected the project name as a string, got 7');
    expect(line).toContain('test[1]: expected each word to be a string, got 5');
    const long = errors({ agents: { concurrency: { ops: 'y'.repeat(200) } } })[0]!;
    expect(long.length).toBeLessThan(160);
    expect(long).toMatch(/\.\.\.$/);
  });
});
