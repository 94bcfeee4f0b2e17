// Commands used only by the orchestrator's tests: multi-step runs whose steps leave visible side
// effects (lines appended to a file), so a test can count that nothing ran twice.
import { appendFileSync } from 'node:fs';
import * as z from 'zod';
import { arg, defineCommand, flag } from '../../../src/commands/define.js';
import type { CommandSpec } from '../../../src/commands/types.js';
import { PHASES, handle, ok, type HandlerTable, type Phase } from '../../../src/agents/types.js';

export const appendCommand = defineCommand({
  id: 'test append',
  args: [
    arg('file', 'word', z.string(), { description: 'file to append to', accepts: 'a path' }),
    arg('count', 'word', z.coerce.number().int().min(1).max(100), { description: 'how many steps', accepts: 'a number' }),
  ],
  flags: [flag('locks', 'list', z.array(z.string()).optional(), { description: 'locks to hold in every step', accepts: 'names' })],
  summary: 'Appends one line per step',
  help: 'test',
  examples: ['test append /tmp/x 3'],
  agent: 'ops',
  approval: null,
  mode: 'run',
});

export const deployish = defineCommand({
  id: 'test deploy',
  args: [arg('env', 'word', z.enum(['staging', 'production']), { description: 'where', accepts: 'staging or production' })],
  flags: [],
  summary: 'A deploy-like command governed by the deploy policy',
  help: 'test',
  examples: ['test deploy production'],
  agent: 'stage',
  approval: 'productionDeployment',
  mode: 'run',
});

/** The phase of the n-th step (1-based): one per phase, the last ones in VERIFY. */
export function phaseOf(n: number): Phase {
  return PHASES[Math.min(n - 1, PHASES.length - 1)] as Phase;
}

export interface AppendHooks {
  /** Called inside step n before its side effect (the child process hangs here). */
  before?: (n: number) => Promise<void>;
}

export function appendHandlers(hooks: AppendHooks = {}): HandlerTable {
  return Object.fromEntries([
    handle(appendCommand, async (ctx, args) => {
      for (let n = 1; n <= args.count; n++) {
        await ctx.step(phaseOf(n), `append ${n}`, async () => {
          await hooks.before?.(n);
          appendFileSync(args.file, `${n}\n`);
          return { n };
        }, { locks: args.locks });
      }
      ctx.log('success', `Appended ${args.count} lines`);
      return ok(`appended ${args.count} lines`);
    }),
    handle(deployish, async (ctx, args) => {
      await ctx.step('VALIDATE', 'check', () => Promise.resolve({ passed: true }));
      await ctx.step('EXECUTE', `deploy to ${args.env}`, () => Promise.resolve({ deployed: args.env }));
      return ok(`deployed to ${args.env}`);
    }),
  ]);
}

export const TEST_SPECS: readonly CommandSpec[] = [appendCommand, deployish];

/** A ParsedCommand for a test spec (dispatch accepts one directly). */
export function parsed<C extends CommandSpec>(spec: C, args: Record<string, unknown>, raw?: string) {
  return { spec, id: spec.id, args: spec.schema.parse(args), raw: raw ?? `${spec.id} ${Object.values(args).join(' ')}` };
}
