// Maintenance mode: a flag in the state db (kv `ops.maintenance`) plus the project's configured
// `maintenance.on` / `maintenance.off` commands, run as argument arrays (never a shell).
import { loadProject } from '../../services/config/project.js';
import { describeExit, runProcess, succeeded } from '../../services/exec/run.js';
import type { StateDb } from '../../services/state/db.js';
import { getKv, setKv } from '../../services/state/kv.js';
import { CommandError, type CommandContext } from '../types.js';

export const MAINTENANCE_KEY = 'ops.maintenance';

export interface MaintenanceState {
  readonly on: boolean;
  readonly since: string | null;
  readonly by: string | null;
}

export function maintenanceState(state: StateDb): MaintenanceState {
  return getKv<MaintenanceState>(state, MAINTENANCE_KEY, { on: false, since: null, by: null });
}

export function setMaintenance(state: StateDb, on: boolean, by: string, now = new Date()): MaintenanceState {
  const next = { on, since: now.toISOString(), by };
  setKv(state, MAINTENANCE_KEY, next);
  return next;
}

export function maintenanceCommands(root: string, which: 'on' | 'off'): readonly (readonly string[])[] {
  return loadProject(root).config.maintenance?.[which] ?? [];
}

/** Runs the configured commands in order; the first failure stops with one clear line. */
export async function runMaintenanceCommands(ctx: CommandContext, commands: readonly (readonly string[])[]): Promise<number> {
  for (const argv of commands) {
    const [cmd, ...args] = argv;
    if (!cmd) continue;
    const r = await runProcess(cmd, args, {
      cwd: ctx.root,
      signal: ctx.signal,
      timeoutMs: 5 * 60_000,
      onLine: (line) => {
        if (line.trim()) ctx.log('debug', line, { source: cmd, output: true });
      },
    });
    if (!succeeded(r)) throw new CommandError('maintenance_command_failed', `maintenance command failed: ${describeExit(r)}`);
  }
  return commands.length;
}
