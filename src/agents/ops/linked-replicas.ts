// Read replicas of a linked project: listed from the pooler endpoints, set up and removed, each
// followed until the platform shows the change.
import { renderOutput, type OutputFormat } from '../../services/format/output.js';
import type { PoolerConfig, ReplicaRegion } from '../../services/supabase/platform.js';
import { CommandError, ok, type CommandContext, type CommandResult } from '../types.js';
import { approve, type LinkedTarget } from './context.js';
import { pollUntil } from './poll.js';
import { REPLICA_COLUMNS, type ReplicaView } from './views.js';

/** `<ref>-rr-<region>-<suffix>` names the region of a replica. */
function replicaView(e: PoolerConfig): ReplicaView {
  const region = /-rr-(.+)-[a-z0-9]+$/.exec(e.identifier)?.[1] ?? '-';
  return { id: e.identifier, region, host: e.db_host, port: e.db_port, poolMode: e.pool_mode };
}

export async function replicas(t: LinkedTarget): Promise<ReplicaView[]> {
  const endpoints = await t.api.listPooler();
  return endpoints.filter((e) => e.database_type === 'READ_REPLICA').map(replicaView);
}

export async function replicasList(t: LinkedTarget, output: OutputFormat): Promise<CommandResult> {
  const rows = await replicas(t);
  return ok(`${rows.length} read replica${rows.length === 1 ? '' : 's'} on project ${t.ref}`, { replicas: rows }, renderOutput(output, { replicas: rows }, { rows, columns: REPLICA_COLUMNS, empty: '(no read replicas)' }));
}

export async function replicaCreate(ctx: CommandContext, t: LinkedTarget, region: ReplicaRegion, output: OutputFormat): Promise<CommandResult> {
  const before = await ctx.step('VALIDATE', 'list the replicas', async () => (await replicas(t)).map((r) => r.id));
  await ctx.step('EXECUTE', `set up a read replica in ${region}`, async () => {
    await t.api.setupReplica(region);
    return { requested: true };
  });
  let created: ReplicaView | undefined;
  await ctx.step('VERIFY', 'follow the replica setup', async () => {
    await pollUntil(ctx, `read replica in ${region}`, async () => {
      created = (await replicas(t)).find((r) => r.region === region && !before.includes(r.id));
      return created ? { done: true, status: `ready (${created.id})` } : { done: false, status: 'setting up' };
    });
    return { id: created?.id ?? null };
  });
  const rows = created ? [created] : [];
  ctx.log('success', `Read replica ${created?.id ?? ''} ready in ${region}`);
  return ok(`read replica ${created?.id ?? ''} ready in ${region}`, { replica: created ?? null }, renderOutput(output, { replica: created ?? null }, { rows, columns: REPLICA_COLUMNS }));
}

export async function replicaDelete(ctx: CommandContext, t: LinkedTarget, id: string, output: OutputFormat): Promise<CommandResult> {
  const found = await ctx.step('VALIDATE', 'find the replica', async () => (await replicas(t)).find((r) => r.id === id) ?? null);
  if (!found) throw new CommandError('replica_not_found', `no read replica ${id} on project ${t.ref}: see "db replicas list"`);
  await approve(ctx, 'databaseDestructive', { tool: 'db replicas delete', args: { id }, bind: { region: found.region }, target: t.ref, summary: `delete read replica ${id} (${found.region}) of project ${t.ref}` });
  await ctx.step('EXECUTE', `remove read replica ${id}`, async () => {
    await t.api.removeReplica(id);
    return { requested: true };
  });
  await ctx.step('VERIFY', 'follow the removal', async () => {
    await pollUntil(ctx, `removal of ${id}`, async () => {
      const still = (await replicas(t)).some((r) => r.id === id);
      return still ? { done: false, status: 'removing' } : { done: true, status: 'removed' };
    });
    return { removed: true };
  });
  ctx.log('success', `Read replica ${id} removed`);
  return ok(`read replica ${id} removed`, { removed: found }, renderOutput(output, { removed: found }, { rows: [found], columns: REPLICA_COLUMNS }));
}
