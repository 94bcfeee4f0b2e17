// The project's tests run with the project's Node (the one it pins, else the user's on PATH),
// never with agentdeck's own pinned Node, even when agentdeck's node_modules/.bin leads PATH.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { appNode, appPath } from '../../../src/services/exec/app-node.js';
import { runTests } from '../../../src/services/exec/test-runner.js';

const SYSTEM_NODE = realpathSync(execFileSync('sh', ['-c', 'PATH=/usr/bin:/bin command -v node'], { encoding: 'utf8' }).trim());

describe("the project's Node", () => {
  const dirs: string[] = [];
  const savedPath = process.env.PATH;
  const temp = (prefix: string): string => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    process.env.PATH = savedPath;
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  /** agentdeck's install: a node_modules/.bin whose `node` is not the user's. */
  function agentdeckBin(): string {
    const bin = join(temp('agentdeck-install-'), 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'node'), '#!/bin/sh\necho "agentdeck\'s own node" >&2\nexit 3\n');
    chmodSync(join(bin, 'node'), 0o755);
    return bin;
  }

  it('runs node --test with the user\'s node and a PATH without agentdeck\'s binaries', async () => {
    expect(SYSTEM_NODE).not.toBe(realpathSync(process.execPath));
    const ours = agentdeckBin();
    const user = temp('user-bin-');
    symlinkSync(SYSTEM_NODE, join(user, 'node'));
    const app = temp('app-');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module', scripts: { test: 'node --test' } }));
    writeFileSync(
      join(app, 'probe.test.mjs'),
      "import { test } from 'node:test';\nimport { writeFileSync } from 'node:fs';\ntest('probe', () => writeFileSync('probe.json', JSON.stringify({ node: process.execPath, path: process.env.PATH })));\n",
    );
    execFileSync('git', ['init', '-q'], { cwd: app });
    process.env.PATH = [ours, user, '/usr/bin', '/bin'].join(delimiter);
    const run = await runTests(app, { kind: 'node', argv: ['node', '--test'] }, { files: ['probe.test.mjs'] });
    expect(run.ok).toBe(true);
    const probe = JSON.parse(readFileSync(join(app, 'probe.json'), 'utf8')) as { node: string; path: string };
    expect(realpathSync(probe.node)).toBe(SYSTEM_NODE);
    expect(probe.path.split(delimiter)).not.toContain(ours);
    expect(probe.path.split(delimiter)).toContain(user);
  });

  it('prefers the Node the project pins, and keeps its own binaries on PATH', () => {
    const app = temp('app-');
    const bin = join(app, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(SYSTEM_NODE, join(bin, 'node'));
    const ours = agentdeckBin();
    const path = [ours, bin, '/usr/bin'].join(delimiter);
    expect(appNode(app, path)).toBe(SYSTEM_NODE);
    expect(appPath(app, path)).toBe([bin, '/usr/bin'].join(delimiter));
  });

  it("falls back to the running Node only when PATH has none", () => {
    const app = temp('app-');
    expect(appNode(app, [agentdeckBin(), temp('empty-')].join(delimiter))).toBe(process.execPath);
  });
});
