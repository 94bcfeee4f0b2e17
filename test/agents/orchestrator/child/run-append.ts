// A separate process running one multi-step run; it announces "HANG <run> <step>" on stdout and
// stops inside that step (before its side effect), so the test can SIGKILL it mid-run.
import { createEngine } from '../../../../src/agents/orchestrator/engine.js';
import { createBus } from '../../../../src/services/events/bus.js';
import { openState } from '../../../../src/services/state/db.js';
import { TEST_SPECS, appendCommand, appendHandlers, parsed } from '../fixtures.js';

const [root, file, count, hangAt, locks] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const state = openState(root);
const bus = createBus({ state, flushMs: 1 });
const engine = createEngine({
  root,
  state,
  bus,
  approvalCheckMs: 0,
  extra: {
    specs: TEST_SPECS,
    handlers: appendHandlers({
      before: async (n) => {
        if (n !== Number(hangAt)) return;
        bus.flush();
        const run = state.db.prepare("SELECT id FROM runs WHERE status = 'running' ORDER BY rowid DESC LIMIT 1").get() as { id: string };
        process.stdout.write(`HANG ${run.id} ${n}\n`);
        await new Promise(() => undefined);
      },
    }),
  },
});
const result = await engine.dispatch(parsed(appendCommand, { file, count, ...(locks ? { locks: locks.split(',') } : {}) }), { initiator: 'test' });
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
