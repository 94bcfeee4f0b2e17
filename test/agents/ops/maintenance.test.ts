// `emergency maintenance on|off`: approval, the configured commands (real subprocesses, no
// shell), and the flag in the state db.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceState } from '../../../src/agents/ops/maintenance.js';
import type { CommandResult } from '../../../src/agents/types.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

let t: TestContext;
const run = (line: string): Promise<CommandResult> => t.engine.dispatch(line, { initiator: 'you' });

async function approved(line: string): Promise<CommandResult> {
  const waiting = await run(line);
  expect(waiting.status, waiting.message).toBe('waiting_approval');
  return run(`approve ${waiting.approvalId}`);
}

beforeAll(() => {
  t = makeContext({ agent: 'ops' });
  const node = process.execPath;
  writeFileSync(
    join(t.root, 'agentdeck.config.json'),
    JSON.stringify({
      maintenance: {
        on: [[node, '-e', "require('fs').writeFileSync('maintenance.flag', 'on; $(rm -rf /)')"]],
        off: [[node, '-e', 'process.exit(3)']],
      },
    }),
  );
});

afterAll(() => t.cleanup());

describe('maintenance mode', () => {
  it('turns on after approval, running the configured command without a shell', async () => {
    const r = await approved('emergency maintenance on');
    expect(r.ok, r.message).toBe(true);
    expect(r.message).toMatch(/maintenance mode is on \(1 command\(s\) run\)$/);
    expect(readFileSync(join(t.root, 'maintenance.flag'), 'utf8')).toBe('on; $(rm -rf /)');
    expect(maintenanceState(t.state)).toMatchObject({ on: true, by: 'you' });
  });

  it('says when it is already on', async () => {
    const r = await run('emergency maintenance on');
    expect(r.message).toMatch(/^maintenance mode is already on \(since /);
  });

  it('a failing off command leaves the flag on and says why in one line', async () => {
    const r = await approved('emergency maintenance off');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/maintenance command failed: .* exited with code 3$/);
    expect(maintenanceState(t.state).on).toBe(true);
  });

  it('without configured commands only the flag changes', async () => {
    writeFileSync(join(t.root, 'agentdeck.config.json'), '{}');
    const r = await approved('emergency maintenance off');
    expect(r.ok, r.message).toBe(true);
    expect(r.message).toMatch(/maintenance mode is off$/);
    expect(maintenanceState(t.state).on).toBe(false);
    expect(existsSync(join(t.root, 'maintenance.flag'))).toBe(true);
  });
});
