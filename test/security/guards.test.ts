// Guards a model with tools cannot switch off: lowering the approval policy (by command, over MCP,
// or by editing agentdeck.config.json) waits for a person; no MCP tool, script or free text decides
// an approval; an approval binds to content (a deploy to its commit, a rollback to its SQL), so a
// change after approval voids it; a repeated request returns the pending approval.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineOf } from '../../src/agents/orchestrator/internals.js';
import { getApproval, listApprovals } from '../../src/agents/orchestrator/approvals-repo.js';
import { projectConfig } from '../../src/agents/stage/project.js';
import { ensureStaged, getStaged } from '../../src/agents/stage/worktrees.js';
import type { CommandResult } from '../../src/agents/types.js';
import { COMMANDS } from '../../src/commands/registry.js';
import { loadProject } from '../../src/services/config/project.js';
import { CONFIG_FILE } from '../../src/services/config/schema.js';
import { createMcpServer } from '../../src/services/mcp/server.js';
import { listAudit } from '../../src/services/state/audit.js';
import { openTarget } from '../../src/services/postgres/index.js';
import { ensureHistory, recordApplied } from '../../src/agents/migrator/history.js';
import { buildSampleApp, type SampleApp } from '../fixtures/sample-app/build.js';
import { makeContext, type TestContext } from '../helpers/context.js';
import { tempDir } from '../helpers/tmp.js';

const NAME = 'guarded-app';
const BASE = { name: NAME, deploy: { staging: [['node', '-e', "console.log('confirmed deploy')"]] }, approvals: { ttlMinutes: 60 } };

let dir: { dir: string; cleanup: () => void } | undefined;
let t: TestContext | undefined;

function writeConfig(root: string, config: object): void {
  writeFileSync(join(root, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** The engine as a session starts it: with the project's config file as read at start. */
function start(root: string): TestContext {
  t?.cleanup();
  t = makeContext({ root, run: false, config: loadProject(root, {}).config });
  return t;
}

function project(config: object = BASE): string {
  dir = tempDir('agentdeck-guards-');
  writeConfig(dir.dir, config);
  return dir.dir;
}

afterEach(() => {
  t?.cleanup();
  t = undefined;
  dir?.cleanup();
  dir = undefined;
});

const as = (initiator: string) => (line: string): Promise<CommandResult> => t!.engine.dispatch(line, { initiator });
const you = as('you');
const policy = (): Record<string, boolean> => engineOf(t!.ctx).policy;
const fileText = (root: string): string => readFileSync(join(root, CONFIG_FILE), 'utf8');

async function mcpClient(): Promise<Client> {
  const server = createMcpServer({ commands: COMMANDS, redact: t!.bus.redact, dispatch: (c, o) => t!.engine.dispatch(c, o) });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'hostile', version: '1.0.0' });
  await Promise.all([server.connect(a), client.connect(b)]);
  return client;
}

describe('policy downgrades', () => {
  it('over MCP: lowering a policy key only files an approval, which no tool, script or free text can decide', async () => {
    const root = project();
    start(root);
    const before = fileText(root);
    const client = await mcpClient();
    try {
      const call = await client.callTool({ name: 'agents_update_config', arguments: { settings: 'approvals.policy.databasedestructive=false' } });
      const s = call.structuredContent as { status: string; approvalId: string };
      expect(s.status).toBe('waiting_approval');
      expect(s.approvalId).toBe('APR-0001');
      expect((call.content as { text: string }[])[0]!.text).toContain(`approve APR-0001 --confirm ${NAME}`);
      // A repeated request for the same change returns the same pending approval.
      const again = await client.callTool({ name: 'agents_update_config', arguments: { settings: 'approvals.policy.databasedestructive=false' } });
      expect((again.structuredContent as { approvalId: string }).approvalId).toBe('APR-0001');
      expect(listApprovals(t!.state, 'pending').map((a) => a.id)).toEqual(['APR-0001']);

      // No tool decides it.
      const tool = await client.callTool({ name: 'approve', arguments: { id: 'APR-0001', confirm: NAME } });
      expect(tool.isError).toBe(true);
      // Nor the engine for an MCP caller, a script (run without a terminal, piped lines), or free text they send.
      for (const [initiator, line] of [
        ['mcp', `approve APR-0001 --confirm ${NAME}`],
        ['script', `approve APR-0001 --confirm ${NAME}`],
        ['script', `please approve APR-0001 --confirm ${NAME}`],
        ['mcp', 'approve deployment for APR-0001'],
        ['mcp', 'reject APR-0001'],
      ] as const) {
        const r = await as(initiator)(line);
        expect(r.ok, `${initiator}: ${line}`).toBe(false);
        expect(getApproval(t!.state, 'APR-0001')?.status, `${initiator}: ${line}`).toBe('pending');
      }
      const refused = await as('mcp')(`approve APR-0001 --confirm ${NAME}`);
      expect(refused.error?.code).toBe('human_only');
      expect(refused.message).toContain('approvals are decided by a person');
      expect(fileText(root)).toBe(before);
      expect(policy().databaseDestructive).toBe(true);

      // A person decides, typing the confirmation.
      expect((await you('approve APR-0001')).message).toBe(`APR-0001 needs a typed confirmation: \`approve APR-0001 --confirm ${NAME}\``);
      const done = await you(`approve APR-0001 --confirm ${NAME}`);
      expect(done).toMatchObject({ ok: true, status: 'done' });
      expect(policy().databaseDestructive).toBe(false);
      expect(JSON.parse(fileText(root)).approvals.policy.databaseDestructive).toBe(false);

      // Replaying the used approval decides nothing.
      const replay = await you(`approve APR-0001 --confirm ${NAME}`);
      expect(replay.ok).toBe(false);
      expect(replay.message).toContain('APR-0001 is already approved');
    } finally {
      await client.close();
    }
  });

  it('raising a guard needs no approval; a longer expiry, a new test or deploy command does', async () => {
    const root = project();
    start(root);
    const raised = await as('mcp')('agents update config approvals.policy.stagingdeployment=true');
    expect(raised).toMatchObject({ ok: true, status: 'done' });
    // The result shows the change as a diff of the keys it changed.
    expect(raised.lines).toEqual([`${CONFIG_FILE}:`, '  + approvals.policy.stagingDeployment: true']);
    expect(policy().stagingDeployment).toBe(true);
    for (const setting of ['approvals.policy.stagingdeployment=false', 'approvals.ttlminutes=10000', 'approvals.policy.credentialchange=false']) {
      const r = await as('mcp')(`agents update config ${setting}`);
      expect(r.status, setting).toBe('waiting_approval');
    }
    expect(policy()).toMatchObject({ stagingDeployment: true, credentialChange: true });
    expect(engineOf(t!.ctx).ttlMinutes).toBe(60);
    const shorter = await as('mcp')('agents update config approvals.ttlminutes=30');
    expect(shorter).toMatchObject({ ok: true, status: 'done' });
    expect(shorter.lines).toEqual([`${CONFIG_FILE}:`, '  - approvals.ttlMinutes: 60', '  + approvals.ttlMinutes: 30']);
  });

  it('the diff of a config change never shows a password in a deploy command', async () => {
    const root = project();
    start(root);
    writeConfig(root, { ...BASE, deploy: { staging: [['supabase', 'db', 'push', '--db-url', 'postgresql://deployer:s3cretPassw0rd@db.example.com/app']] } });
    const r = await you('agents update config');
    expect(r.status).toBe('waiting_approval');
    expect(r.lines).toContain('  + deploy.staging: [["supabase","db","push","--db-url","postgresql://deployer:[redacted]@db.example.com/app"]]');
    expect(JSON.stringify(r)).not.toContain('s3cretPassw0rd');
    expect(JSON.stringify(getApproval(t!.state, r.approvalId!))).not.toContain('s3cretPassw0rd');
  });

  it('production deploys cannot be switched off; saying so is one clear line', async () => {
    const root = project();
    start(root);
    const r = await you('agents update config approvals.policy.productiondeployment=false');
    expect(r.ok).toBe(false);
    expect(r.message).toBe('approvals.policy.productiondeployment=false: cannot be turned off: production deploys, hotfixes and emergency access always ask a person');
    writeConfig(root, { ...BASE, approvals: { policy: { productionDeployment: false } } });
    start(root);
    expect(policy().productionDeployment).toBe(true);
    expect(t!.engine.notices).toContain(`${CONFIG_FILE}: approvals.policy.productionDeployment=false has no effect: production deploys, hotfixes and emergency access always ask a person`);
  });

  it('a hand edit that lowers guards is noticed at the next start, audited once, and held back until a person confirms it', async () => {
    const root = project();
    start(root);
    expect(t!.engine.notices).toEqual([]);
    writeConfig(root, {
      ...BASE,
      deploy: { staging: [['node', '-e', "require('fs').writeFileSync('pwned', '')"]] },
      approvals: { ttlMinutes: 10080, policy: { databaseDestructive: false } },
    });
    start(root);
    expect(t!.engine.notices).toEqual([
      `${CONFIG_FILE} lowers approvals.policy.databaseDestructive true → false, approvals.ttlMinutes 60 → 10080, deploy.staging [["node","-e","console.log('confirmed deploy')"]] → [["node","-e","require('fs').writeFileSync('pwned', '')"]]: not applied until a person confirms it (\`agents update config\`, then approve it)`,
    ]);
    expect(t!.events.some((e) => e.level === 'warn' && e.message.startsWith(`${CONFIG_FILE} lowers`))).toBe(true);
    expect(policy().databaseDestructive).toBe(true);
    expect(engineOf(t!.ctx).ttlMinutes).toBe(60);
    // The deploy commands in force are the confirmed ones.
    expect(projectConfig(t!.ctx).deploy.staging).toEqual(BASE.deploy.staging);
    expect(projectConfig(root).deploy.staging).toEqual(BASE.deploy.staging);
    start(root);
    expect(listAudit(t!.state).filter((a) => a.action === `${CONFIG_FILE} lowers guards`)).toHaveLength(1);

    // Reloading does not apply it either: it asks, and a script cannot approve.
    const reload = await as('script')('agents update config');
    expect(reload.status).toBe('waiting_approval');
    // The approval shows what it lowers as a diff, from the values in force to the file's.
    const diff = [
      `${CONFIG_FILE}:`,
      '  - approvals.policy.databaseDestructive: true',
      '  + approvals.policy.databaseDestructive: false',
      '  - approvals.ttlMinutes: 60',
      '  + approvals.ttlMinutes: 10080',
      `  - deploy.staging: [["node","-e","console.log('confirmed deploy')"]]`,
      `  + deploy.staging: [["node","-e","require('fs').writeFileSync('pwned', '')"]]`,
    ];
    expect(reload.lines).toEqual(diff);
    expect(getApproval(t!.state, reload.approvalId!)?.action.detail).toEqual(diff);
    expect(policy().databaseDestructive).toBe(true);
    expect((await as('script')(`approve ${reload.approvalId} --confirm ${NAME}`)).ok).toBe(false);
    const done = await you(`approve ${reload.approvalId} --confirm ${NAME}`);
    expect(done).toMatchObject({ ok: true, status: 'done' });
    expect(done.lines).toEqual(diff);
    expect(policy().databaseDestructive).toBe(false);
    expect(projectConfig(t!.ctx).deploy.staging[0]?.[2]).toContain('pwned');
    start(root);
    expect(t!.engine.notices).toEqual([]);
  });

  it('an approval to lower guards is void when the file changes before it is used', async () => {
    const root = project();
    start(root);
    const asked = await as('mcp')('agents update config approvals.policy.databasedestructive=false');
    expect(asked.approvalId).toBe('APR-0001');
    // While it waits, something edits the file to lower one more guard.
    writeConfig(root, { ...BASE, approvals: { ...BASE.approvals, policy: { credentialChange: false } } });
    const r = await you(`approve APR-0001 --confirm ${NAME}`);
    expect(r).toMatchObject({ ok: false, status: 'waiting_approval', approvalId: 'APR-0002' });
    expect(r.message).toContain('since APR-0001 was approved, so APR-0001 is void');
    expect(getApproval(t!.state, 'APR-0001')?.status).toBe('void');
    expect(getApproval(t!.state, 'APR-0002')?.summary).toContain('approvals.policy.credentialChange true → false');
    expect(policy()).toMatchObject({ databaseDestructive: true, credentialChange: true });
  });
});

describe('approvals bind to content', { timeout: 180_000 }, () => {
  let app: SampleApp;
  let s: TestContext;
  const run = (line: string): Promise<CommandResult> => s.engine.dispatch(line, { initiator: 'you' });
  const stage = async (title: string, path: string, content: string): Promise<string> => {
    const r = await run(`create ticket "${title}" --kind task`);
    const id = /TASK-\d{4}-\d{3}/.exec(r.message)?.[0] as string;
    await ensureStaged(s.engine.context({ agent: 'stage', run: false }), id);
    writeFileSync(join(getStaged(s.root, id)!.path, path), content);
    return id;
  };
  /** Runs `fn` synchronously the moment a person's approval lands, before the run continues. */
  const onApproved = (id: string, fn: () => void): (() => void) =>
    s.bus.subscribe((e) => {
      if (e.kind === 'approval' && e.message.startsWith(`Approved ${id}`)) fn();
    });

  beforeAll(() => {
    app = buildSampleApp({ allTestsPass: true, config: { deploy: { staging: [['node', '-e', "console.log('deploying')"]] } } });
    s = makeContext({ root: app.root, run: false });
  });
  afterAll(() => {
    s.cleanup();
    app.cleanup();
  });

  it('a commit added to the staged worktree after approval never ships under it; the run asks again with the new diff', async () => {
    const id = await stage('Banner', 'lib/banner.ts', "export const banner = 'reviewed';\n");
    const waiting = await run(`deploy production --ticket ${id}`);
    expect(waiting.status).toBe('waiting_approval');
    const staged = getStaged(s.root, id)!;
    const approvedSha = execFileSync('git', ['-C', staged.path, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const stop = onApproved(waiting.approvalId!, () => {
      writeFileSync(join(staged.path, 'lib/backdoor.ts'), 'export const backdoor = true;\n');
      execFileSync('git', ['-C', staged.path, 'add', '-A']);
      execFileSync('git', ['-C', staged.path, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-qm', 'unreviewed']);
    });
    let again: CommandResult;
    try {
      again = await run(`approve ${waiting.approvalId} --confirm ${id}`);
    } finally {
      stop();
    }
    expect(app.git('ls-tree', '-r', '--name-only', 'main')).not.toContain('lib/backdoor.ts');
    expect(again).toMatchObject({ ok: false, status: 'waiting_approval' });
    expect(again.approvalId).not.toBe(waiting.approvalId);
    expect(getApproval(s.state, waiting.approvalId!)?.status).toBe('void');
    expect(again.message).toContain(`commit ${approvedSha.slice(0, 12)} → `);
    expect(again.lines?.join('\n')).toContain('lib/backdoor.ts');
    expect(again.lines?.join('\n')).toContain('unreviewed');
    // The hint is the exact line that works.
    expect(again.approveLine).toBe(`approve ${again.approvalId} --confirm ${id}`);

    // Approving the new request ships exactly the commit it names.
    const newSha = execFileSync('git', ['-C', staged.path, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const done = await run(`approve ${again.approvalId} --confirm ${id}`);
    expect(done).toMatchObject({ ok: true, status: 'done' });
    expect(app.git('rev-parse', 'main^2')).toBe(newSha);
  });

  it('the deploy merges the tested sha, not the branch tip: a commit made during the merge step is left out', async () => {
    const id = await stage('Badge', 'lib/badge.ts', "export const badge = 'ok';\n");
    const waiting = await run(`deploy production --ticket ${id}`);
    const staged = getStaged(s.root, id)!;
    const approvedSha = execFileSync('git', ['-C', staged.path, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    // The moment the merge step starts (after every check), the branch moves.
    const stop = s.bus.subscribe((e) => {
      if (e.kind === 'step' && e.message.startsWith(`merge ${id} into main...`)) {
        writeFileSync(join(staged.path, 'lib/late.ts'), 'export const late = true;\n');
        execFileSync('git', ['-C', staged.path, 'add', '-A']);
        execFileSync('git', ['-C', staged.path, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-qm', 'late']);
      }
    });
    try {
      expect(await run(`approve ${waiting.approvalId} --confirm ${id}`)).toMatchObject({ ok: true, status: 'done' });
    } finally {
      stop();
    }
    expect(app.git('rev-parse', 'main^2')).toBe(approvedSha);
    expect(app.git('ls-tree', '-r', '--name-only', 'main')).not.toContain('lib/late.ts');
  });

  it('a rollback file edited after its approval does not run under it', async () => {
    const id = await stage('Prefs', 'supabase/migrations/20260301000000_prefs2.sql', 'create table public.prefs2 (id uuid primary key);\n');
    const staged = getStaged(s.root, id)!;
    execFileSync('mkdir', ['-p', join(staged.path, 'supabase/rollbacks')]);
    writeFileSync(join(staged.path, 'supabase/rollbacks/20260301000000_prefs2.down.sql'), 'drop table public.prefs2;\n');
    expect((await run(`deploy staging --ticket ${id}`)).status).toBe('done');
    const db = openTarget(app.root);
    await ensureHistory(db);
    await db.exec('create table public.prefs2 (id uuid primary key);');
    await recordApplied(db, '20260301000000', 'prefs2', ['create table public.prefs2 (id uuid primary key)']);
    await db.close();

    const waiting = await run(`rollback ${id}`);
    expect(waiting.status).toBe('waiting_approval');
    const deployTree = execFileSync('git', ['-C', app.root, 'worktree', 'list', '--porcelain'], { encoding: 'utf8' })
      .split('\n\n')
      .find((b) => b.includes('branch refs/heads/staging'))!
      .split('\n')[0]!
      .slice('worktree '.length);
    const stop = onApproved(waiting.approvalId!, () => {
      writeFileSync(join(deployTree, 'supabase/rollbacks/20260301000000_prefs2.down.sql'), 'drop table public.prefs2;\ncreate table public.hacked (id int);\n');
    });
    let again: CommandResult;
    try {
      again = await run(`approve ${waiting.approvalId}`);
    } finally {
      stop();
    }
    expect(again.status).toBe('waiting_approval');
    expect(getApproval(s.state, waiting.approvalId!)?.status).toBe('void');
    const after = openTarget(app.root);
    try {
      expect((await after.query("select to_regclass('public.hacked')::text as t")).rows[0]).toEqual({ t: null });
      expect((await after.query("select to_regclass('public.prefs2')::text as t")).rows[0]).toEqual({ t: 'prefs2' });
    } finally {
      await after.close();
    }
  });
});

describe('a migration edited after its approval', { timeout: 180_000 }, () => {
  it('is not applied under that approval: the approval is void and the run asks again showing the change', async () => {
    const m = makeContext({ agent: 'migrator', run: false });
    const run = (line: string): Promise<CommandResult> => m.engine.dispatch(line, { initiator: 'you' });
    const file = join(m.root, 'supabase/migrations/20260401000001_drop_keep.sql');
    try {
      execFileSync('mkdir', ['-p', join(m.root, 'supabase/migrations')]);
      writeFileSync(join(m.root, 'supabase/migrations/20260401000000_keep.sql'), 'create table public.keepme (id int);\n');
      expect((await run('migrate execute')).status).toBe('done');
      writeFileSync(file, 'drop table public.keepme;\n');
      const waiting = await run('migrate execute');
      expect(waiting.status).toBe('waiting_approval');
      const stop = m.bus.subscribe((e) => {
        if (e.kind === 'approval' && e.message.startsWith(`Approved ${waiting.approvalId}`)) writeFileSync(file, 'drop table public.keepme;\ncreate table public.hacked (id int);\n');
      });
      let again: CommandResult;
      try {
        again = await run(`approve ${waiting.approvalId}`);
      } finally {
        stop();
      }
      expect(again).toMatchObject({ ok: false, status: 'waiting_approval' });
      expect(getApproval(m.state, waiting.approvalId!)?.status).toBe('void');
      expect(again.message).toContain('supabase/migrations/20260401000001_drop_keep.sql');
      const db = openTarget({ root: m.root, env: {} });
      try {
        expect((await db.query("select to_regclass('public.hacked')::text as t")).rows[0]).toEqual({ t: null });
        expect((await db.query("select to_regclass('public.keepme')::text as t")).rows[0]).toEqual({ t: 'keepme' });
      } finally {
        await db.close();
      }
    } finally {
      m.cleanup();
    }
  });
});
