// emergency maintenance on|off: after an approval, runs the configured commands and records the
// flag in the state db.
import { ok, type CommandContext, type CommandResult } from '../types.js';
import { approve } from './context.js';
import { maintenanceCommands, maintenanceState, runMaintenanceCommands, setMaintenance } from './maintenance.js';
import { withOpsState } from './state.js';

export async function maintenanceHandler(ctx: CommandContext, a: { state: 'on' | 'off' }): Promise<CommandResult> {
  const on = a.state === 'on';
  const current = await withOpsState(ctx, (s) => maintenanceState(s));
  if (current.on === on) {
    return ok(`maintenance mode is already ${a.state} (since ${current.since ?? 'the start'})`, current);
  }
  const commands = maintenanceCommands(ctx.root, a.state);
  const what = commands.length > 0 ? `run ${commands.length} configured maintenance.${a.state} command(s)` : 'only set the flag (no maintenance commands configured)';
  await approve(ctx, 'productionDeployment', {
    tool: 'emergency maintenance',
    args: { state: a.state },
    target: 'production',
    summary: `turn maintenance mode ${a.state}: ${what}`,
  });
  const ran = await ctx.step('EXECUTE', `maintenance mode ${a.state}`, async () => {
    const n = await runMaintenanceCommands(ctx, commands);
    await withOpsState(ctx, (s) => setMaintenance(s, on, ctx.initiator));
    return { commands: n, on };
  });
  ctx.log(on ? 'warn' : 'success', `Maintenance mode ${a.state}${ran.commands ? ` (${ran.commands} command(s) run)` : ''}`);
  const next = await withOpsState(ctx, (s) => maintenanceState(s));
  return ok(`maintenance mode is ${a.state}${ran.commands ? ` (${ran.commands} command(s) run)` : ''}`, next);
}
