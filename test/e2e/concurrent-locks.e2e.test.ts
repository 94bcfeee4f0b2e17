// Locks that cover the whole protected section, across real processes: four deploys to one
// environment never run their deploy commands at the same time, and two `migrate execute` at once
// both succeed in turn (the second waits, saying for what, instead of failing).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStaged } from '../../src/agents/stage/worktrees.js';
import { buildSampleApp, type SampleApp } from '../fixtures/sample-app/build.js';
import { buildIfStale, runBinary } from '../helpers/binary.js';
import { makeContext, type TestContext } from '../helpers/context.js';
import { tempDir } from '../helpers/tmp.js';

let scratch: { dir: string; cleanup: () => void };
let env: Record<string, string>;

beforeAll(() => {
  buildIfStale();
  scratch = tempDir('agentdeck-locks-');
  env = { PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}`, HOME: scratch.dir };
}, 120_000);
afterAll(() => scratch?.cleanup());

describe('deploys to one environment from 4 processes', () => {
  let app: SampleApp;
  let t: TestContext;
  const spans = (): string => join(scratch.dir, 'spans.log');

  beforeAll(() => {
    // Each deploy command records when it started and ended, with a pause between.
    const script = join(scratch.dir, 'span.cjs');
    writeFileSync(
      script,
      `const fs = require('node:fs');
const start = process.hrtime.bigint();
const until = Date.now() + 300;
while (Date.now() < until) {}
fs.appendFileSync(${JSON.stringify(spans())}, process.env.AGENTDECK_TICKET + ' ' + start + ' ' + process.hrtime.bigint() + '\\n');
`,
    );
    app = buildSampleApp({ allTestsPass: true, config: { test: ['node', '-e', "console.log('ok')"], deploy: { staging: [['node', script], ['node', script]] } } });
    t = makeContext({ root: app.root, run: false });
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  it('never overlap their deploy commands, and all four deploy', async () => {
    const tickets: string[] = [];
    for (let n = 1; n <= 4; n++) {
      const r = await t.engine.dispatch(`create ticket "change ${n}" --kind task`, { initiator: 'you' });
      const id = /TASK-\d{4}-\d{3}/.exec(r.message)![0];
      const { staged } = await ensureStaged(t.engine.context({ agent: 'stage', run: false }), id);
      writeFileSync(join(staged.path, `change-${n}.txt`), `change ${n}\n`);
      tickets.push(id);
    }
    const runs = await Promise.all(tickets.map((id) => runBinary(['run', `deploy staging --ticket ${id}`], app.root, env)));
    expect(runs.map((r) => r.code), runs.map((r) => r.out + r.err).join('\n')).toEqual([0, 0, 0, 0]);
    // Somebody queued, and said for what and behind whom.
    expect(runs.some((r) => /waiting for deploy:staging held by RUN-\d+/.test(r.out))).toBe(true);
    const recorded = readFileSync(spans(), 'utf8').trim().split('\n').map((l) => {
      const [ticket, start, end] = l.split(' ');
      return { ticket: ticket as string, start: BigInt(start as string), end: BigInt(end as string) };
    });
    expect(recorded).toHaveLength(8);
    const sorted = [...recorded].sort((a, b) => (a.start < b.start ? -1 : 1));
    const overlaps = sorted.filter((s, i) => i > 0 && s.start < (sorted[i - 1] as { end: bigint }).end);
    expect(overlaps).toEqual([]);
    // A deploy's two commands run back to back: no other deploy's command comes between them.
    const order = sorted.map((s) => s.ticket);
    for (let i = 0; i < order.length; i += 2) expect(order[i]).toBe(order[i + 1]);
  }, 300_000);
});

describe('migrate execute from 2 processes at once', () => {
  let app: SampleApp;
  beforeAll(() => {
    app = buildSampleApp({ allTestsPass: true });
    mkdirSync(join(app.root, 'supabase', 'migrations'), { recursive: true });
    writeFileSync(join(app.root, 'supabase', 'migrations', '20260101000000_notes.sql'), 'create table notes (id serial primary key, body text);\n');
    writeFileSync(join(app.root, 'supabase', 'migrations', '20260102000000_tags.sql'), 'create table tags (id serial primary key, name text);\n');
  });
  afterAll(() => app.cleanup());

  it('both succeed in turn: one applies, the other waits and finds nothing left to apply', async () => {
    const runs = await Promise.all([1, 2].map(() => runBinary(['run', '--json', 'migrate execute'], app.root, env)));
    const results = runs.map((r) => JSON.parse(r.out) as { ok: boolean; result: { message: string } | null; error: { message: string } | null });
    expect(results.map((r) => r.ok), runs.map((r) => r.out + r.err).join('\n')).toEqual([true, true]);
    const messages = results.map((r) => r.result?.message ?? '').sort();
    expect(messages[0]).toMatch(/^Applied (\d+) migration\(s\) to local$/);
    const applied = /^Applied (\d+)/.exec(messages[0] as string)![1];
    expect(messages[1]).toBe(`Nothing to apply: ${applied} migration(s) already applied on local`);
  }, 300_000);
});
