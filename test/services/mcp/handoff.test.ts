// Claude Code as the model: `agentdeck mcp` with no model runtime of its own, driven over stdio by
// the official MCP client playing the calling session. Each AI step of a ticket's planned run is
// handed to the client (instructions, worktree, tools, verify command); the client does it and
// calls complete_step; the run goes through its checks to verified and staged. The client can
// still never approve anything.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedEnv } from '../../helpers/binary.js';
import { bundleEntry } from '../../helpers/bundle.js';
import { buildNextApp, type NextApp } from '../../fixtures/next-app/build.js';

interface Structured {
  ok: boolean;
  status: string;
  message: string;
  runId?: string;
  data?: { handoff?: { id: string; step: string; agent: string; worktree: string; tools: string[]; verify?: string; instructions: string; phase: string }; ticketId?: string; worktree?: string };
}

let app: NextApp;
let client: Client;
let entry = '';

beforeAll(async () => {
  app = buildNextApp({ runner: 'node' });
  entry = await bundleEntry(resolve('test/services/mcp/stdio-entry.ts'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [entry],
    cwd: app.root,
    // No ANTHROPIC_API_KEY and no Claude Code login: agentdeck has no model of its own.
    env: { PATH: process.env.PATH ?? '', HOME: app.root, ...sharedEnv() },
    stderr: 'pipe',
  });
  client = new Client({ name: 'claude-code', version: '2.0.0' });
  await client.connect(transport);
}, 120_000);
afterAll(async () => {
  await client?.close();
  app?.cleanup();
  rmSync(entry, { force: true });
});

async function call(name: string, args: Record<string, unknown>): Promise<Structured> {
  const result = await client.callTool({ name, arguments: args });
  return result.structuredContent as unknown as Structured;
}

describe('a ticket fixed by the calling session over MCP', { timeout: 120_000 }, () => {
  it('hands each AI step over, takes the answers back through complete_step, and ends verified and staged', async () => {
    const created = await call('create_ticket', { description: 'Estimate totals drop the cents', kind: 'bug' });
    const ticket = /BUG-\d{4}-\d{3}/.exec(created.message)?.[0] ?? '';
    let r = await call('fix_ticket', { id: ticket });
    const answers: Record<string, (h: NonNullable<NonNullable<Structured['data']>['handoff']>) => Record<string, unknown>> = {
      plan: () => ({ summary: 'keep the cents', confidence: 98, specialists: [{ agent: 'bughunter', deliverable: 'the fix with a test' }] }),
      'root cause': () => ({ rootCause: 'estimateTotal has no cents helper', files: ['lib/estimates.ts'] }),
      edit: (h) => {
        // The calling session edits the worktree it was given, and only that.
        const file = join(h.worktree, 'lib/estimates.ts');
        writeFileSync(file, `${readFileSync(file, 'utf8')}\nexport const cents = 100;\n`);
        writeFileSync(
          join(h.worktree, 'lib/cents.test.ts'),
          "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { cents } from './estimates.ts';\n\ntest('a unit has a hundred cents', () => {\n  assert.equal(cents, 100);\n});\n",
        );
        return { summary: 'added cents with a test', files: ['lib/estimates.ts', 'lib/cents.test.ts'] };
      },
    };
    const steps: string[] = [];
    while (r.data?.handoff) {
      const h = r.data.handoff;
      steps.push(h.step);
      expect(r.status).toBe('waiting_approval');
      expect(h.worktree).toContain(ticket);
      expect(h.instructions).toContain(`Work in: ${h.worktree}`);
      expect(h.instructions).toContain('complete_step');
      if (h.step === 'step:root cause') expect(h.tools).toEqual(['Read', 'Glob', 'Grep']);
      if (h.step === 'step:edit') expect(h.verify).toBe(`verify ${ticket}`);
      const answer = answers[h.step.replace(/^step:/, '')];
      expect(answer, `no answer for ${h.step}`).toBeDefined();
      r = await call('complete_step', { run: r.runId, answer: JSON.stringify(answer!(h)) });
      expect(steps.length).toBeLessThan(6);
    }
    expect(steps).toEqual(['step:plan', 'step:root cause', 'step:edit']);
    expect(r.message).toContain(`${ticket} verified and staged`);
    expect(r.status).toBe('done');
    // The edit is committed in the ticket's branch, not in the admin's tree.
    expect(app.git('status', '--porcelain')).toBe('');
    expect(app.git('show', `agentdeck/${ticket}:lib/cents.test.ts`)).toContain('a hundred cents');
  });

  it('an answer that is not JSON gets one line saying what is accepted', async () => {
    const created = await call('create_ticket', { description: 'Quotes lose their discount', kind: 'bug' });
    const ticket = /BUG-\d{4}-\d{3}/.exec(created.message)?.[0] ?? '';
    const r = await call('fix_ticket', { id: ticket });
    const bad = await client.callTool({ name: 'complete_step', arguments: { run: r.runId, answer: 'done it' } });
    expect(bad.isError).toBe(true);
    expect((bad.content as { text: string }[])[0]?.text).toMatch(/the answer is not JSON: send the step's answer as a JSON object/);
  });

  it('ships prompts for the main flows whose instructions name tools that exist', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['fix-ticket', 'generate-feature', 'write-migration']);
    const names = new Set((await client.listTools()).tools.map((t) => t.name));
    for (const p of prompts) {
      const got = await client.getPrompt({ name: p.name, arguments: { ticket: 'AI-EST-142', description: 'save estimates' } });
      const text = (got.messages[0]?.content as { text: string }).text;
      const called = [...text.matchAll(/\bcall (?:the )?([a-z]+(?:_[a-z]+)*)/g)].map((m) => m[1]!);
      expect(called.length).toBeGreaterThan(0);
      for (const tool of called) expect(names, `${p.name} names ${tool}`).toContain(tool);
    }
    const fix = await client.getPrompt({ name: 'fix-ticket', arguments: { ticket: 'AI-EST-142' } });
    expect((fix.messages[0]?.content as { text: string }).text).toContain('fix_ticket with id AI-EST-142');
    await expect(client.getPrompt({ name: 'deploy-everything' })).rejects.toThrow(/no prompt "deploy-everything"/);
  });

  it('the calling session cannot approve anything', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('complete_step');
    const approve = await client.callTool({ name: 'approve', arguments: { id: 'APR-0001' } });
    expect(approve.isError).toBe(true);
    expect((approve.content as { text: string }[])[0]?.text).toMatch(/^approve is not a tool: approvals are given by a person/);
    expect(tools.map((t) => t.name)).not.toContain('approve');
  });
});
