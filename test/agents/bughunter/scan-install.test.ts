// `bugs scan` on an app whose dependencies are not installed: the type check is skipped (and the
// scan incomplete, saying to run npm install), never a pile of "cannot find module" bugs. And one
// finding per check, rule and location however often a tool reports it.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueFindings, type Finding } from '../../../src/agents/bughunter/findings.js';
import type { CommandResult } from '../../../src/agents/types.js';
import { buildNextApp, type NextApp } from '../../fixtures/next-app/build.js';
import { buildSampleApp, type SampleApp } from '../../fixtures/sample-app/build.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

interface ScanData {
  readonly findings: Finding[];
  readonly checks: Record<string, string>;
  readonly incomplete?: { check: string; why: string }[];
}

let app: NextApp | SampleApp | undefined;
let t: TestContext | undefined;
afterEach(() => {
  t?.cleanup();
  app?.cleanup();
  t = undefined;
  app = undefined;
});

async function scan(root: string): Promise<CommandResult & { data: ScanData }> {
  t = makeContext({ root, run: false });
  return (await t.engine.dispatch('bugs scan', { initiator: 'you' })) as CommandResult & { data: ScanData };
}

describe('bugs scan before npm install', () => {
  it('skips the type check when node_modules is missing, and says the scan is incomplete', async () => {
    const next = buildNextApp();
    app = next;
    rmSync(join(next.root, 'node_modules'), { recursive: true });
    const r = await scan(next.root);
    const why = `node_modules is missing: run npm install in ${next.root}`;
    expect(r.data.checks.typescript).toBe(`skipped: ${why}`);
    expect(r.data.findings.filter((f) => f.source === 'typescript')).toEqual([]);
    expect(r.data.findings.some((f) => f.rule === 'TS2307')).toBe(false);
    expect(r.status).toBe('incomplete');
    expect(r.ok).toBe(false);
    expect(r.data.incomplete).toContainEqual({ check: 'typescript', why });
  }, 120_000);

  it('skips it when node_modules is there but holds no typescript', async () => {
    const next = buildNextApp();
    app = next;
    const modules = join(next.root, 'node_modules');
    rmSync(modules, { recursive: true });
    mkdirSync(modules);
    symlinkSync(resolve('node_modules/react'), join(modules, 'react'));
    const r = await scan(next.root);
    expect(r.data.checks.typescript).toBe(`skipped: the app's typescript cannot be found (node_modules/typescript): run npm install in ${next.root}`);
    expect(r.data.findings.filter((f) => f.source === 'typescript')).toEqual([]);
    expect(r.status).toBe('incomplete');
  }, 120_000);

  it('still type-checks an installed app', async () => {
    const sample = buildSampleApp({ allTestsPass: true, extraFiles: { 'lib/twice.ts': 'export const a: string = 1; export const b: string = 2;\n' } });
    app = sample;
    const r = await scan(sample.root);
    expect(r.data.checks.typescript).toMatch(/^\d+ diagnostic\(s\) \(tsc\)$/);
    // tsc reports TS2322 twice on that line: one finding, saying so.
    const twice = r.data.findings.filter((f) => f.location === 'lib/twice.ts:1');
    expect(twice).toHaveLength(1);
    expect(twice[0]).toMatchObject({ source: 'typescript', rule: 'TS2322' });
    expect(twice[0]!.message).toMatch(/\(reported 2 times\)$/);
  }, 120_000);
});

describe('findings', () => {
  it('are one per check, rule and location', () => {
    const f = (over: Partial<Finding>): Finding => ({ source: 'typescript', severity: 'medium', location: 'lib/a.ts:3', message: 'm', rule: 'TS2322', ...over });
    const out = uniqueFindings([
      f({}),
      f({ message: 'other column' }),
      f({ rule: 'TS2345' }),
      f({ location: 'lib/a.ts:4' }),
      f({ source: 'eslint' }),
      f({ source: 'tests', rule: undefined, message: 'failing test: a', severity: 'high' }),
      f({ source: 'tests', rule: undefined, message: 'failing test: a', severity: 'high' }),
      f({ source: 'tests', rule: undefined, message: 'failing test: b', severity: 'high' }),
    ]);
    expect(out.map((x) => `${x.source} ${x.rule ?? '-'} ${x.location} ${x.message}`)).toEqual([
      'tests - lib/a.ts:3 failing test: a (reported 2 times)',
      'tests - lib/a.ts:3 failing test: b',
      'typescript TS2322 lib/a.ts:3 m (reported 2 times)',
      'typescript TS2345 lib/a.ts:3 m',
      'eslint TS2322 lib/a.ts:3 m',
      'typescript TS2322 lib/a.ts:4 m',
    ]);
  });
});
