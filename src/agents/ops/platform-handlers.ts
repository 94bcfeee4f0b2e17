// The platform-only commands: point-in-time restore, read replicas, Postgres config and network
// restrictions. On the local target each answers one line saying a linked project is needed.
import type { ReplicaRegion } from '../../services/supabase/platform.js';
import type { CommandContext, CommandResult } from '../types.js';
import { fmt, type OutputArgs } from './backup-handlers.js';
import { needsLinkedProject, resolveTarget, type LinkedTarget } from './context.js';
import { pitrRestore } from './linked-backups.js';
import { configSet } from './linked-config.js';
import { networkChange, networkList } from './linked-network.js';
import { replicaCreate, replicaDelete, replicasList } from './linked-replicas.js';

/** Runs `fn` on the linked project, or answers that one is needed. */
async function onLinked(ctx: CommandContext, what: string, fn: (t: LinkedTarget) => Promise<CommandResult>): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  return t.kind === 'linked' ? fn(t) : needsLinkedProject(what);
}

export const pitrRestoreHandler = (ctx: CommandContext, a: OutputArgs & { time: string; dryRun?: boolean }): Promise<CommandResult> =>
  onLinked(ctx, 'Point-in-time restore', (t) => pitrRestore(ctx, t, a.time, a.dryRun ?? false, fmt(a)));

export const replicasListHandler = (ctx: CommandContext, a: OutputArgs): Promise<CommandResult> =>
  onLinked(ctx, 'Read replicas', (t) => replicasList(t, fmt(a)));

export const replicasCreateHandler = (ctx: CommandContext, a: OutputArgs & { region: ReplicaRegion }): Promise<CommandResult> =>
  onLinked(ctx, 'Read replicas', (t) => replicaCreate(ctx, t, a.region, fmt(a)));

export const replicasDeleteHandler = (ctx: CommandContext, a: OutputArgs & { id: string }): Promise<CommandResult> =>
  onLinked(ctx, 'Read replicas', (t) => replicaDelete(ctx, t, a.id, fmt(a)));

export const configSetHandler = (ctx: CommandContext, a: OutputArgs & { settings: Record<string, string>; dryRun?: boolean }): Promise<CommandResult> =>
  onLinked(ctx, 'Postgres configuration', (t) => configSet(ctx, t, a.settings, a.dryRun ?? false, fmt(a)));

export const networkListHandler = (ctx: CommandContext, a: OutputArgs): Promise<CommandResult> =>
  onLinked(ctx, 'Network restrictions', (t) => networkList(t, fmt(a)));

export const networkAddHandler = (ctx: CommandContext, a: OutputArgs & { cidrs: string[]; dryRun?: boolean }): Promise<CommandResult> =>
  onLinked(ctx, 'Network restrictions', (t) => networkChange(ctx, t, 'add', a.cidrs, a.dryRun ?? false, fmt(a)));

export const networkRmHandler = (ctx: CommandContext, a: OutputArgs & { cidrs: string[]; dryRun?: boolean }): Promise<CommandResult> =>
  onLinked(ctx, 'Network restrictions', (t) => networkChange(ctx, t, 'rm', a.cidrs, a.dryRun ?? false, fmt(a)));
