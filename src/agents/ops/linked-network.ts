// Network restrictions of a linked project: the allowed CIDRs, and changes to them applied after
// an approval and followed until the platform reports them applied.
import { renderOutput, type OutputFormat } from '../../services/format/output.js';
import type { NetworkRestrictions } from '../../services/supabase/platform.js';
import { CommandError, ok, type CommandContext, type CommandResult } from '../types.js';
import { approve, type LinkedTarget } from './context.js';
import { pollUntil } from './poll.js';
import { CIDR_COLUMNS, type CidrView } from './views.js';

function cidrRows(n: NetworkRestrictions): CidrView[] {
  return [
    ...(n.config.dbAllowedCidrs ?? []).map((cidr) => ({ cidr, family: 'IPv4' as const, status: n.status })),
    ...(n.config.dbAllowedCidrsV6 ?? []).map((cidr) => ({ cidr, family: 'IPv6' as const, status: n.status })),
  ];
}

export async function networkList(t: LinkedTarget, output: OutputFormat): Promise<CommandResult> {
  const n = await t.api.getNetworkRestrictions();
  const rows = cidrRows(n);
  const open = rows.some((r) => r.cidr === '0.0.0.0/0' || r.cidr === '::/0');
  const message = `${rows.length} allowed CIDR${rows.length === 1 ? '' : 's'} on project ${t.ref} (${n.status})${open ? '; the database is open to every address' : ''}`;
  return ok(message, n, renderOutput(output, n, { rows, columns: CIDR_COLUMNS, empty: '(no address may connect)' }));
}

export async function networkChange(
  ctx: CommandContext,
  t: LinkedTarget,
  how: 'add' | 'rm',
  cidrs: readonly string[],
  dryRun: boolean,
  output: OutputFormat,
): Promise<CommandResult> {
  // Read on every pass (a resumed run too), not recorded: the approval binds to the allow list as
  // it is now, so a list changed while the approval waited voids it and asks again.
  const current = await t.api.getNetworkRestrictions();
  if (current.entitlement === 'disallowed') {
    throw new CommandError('network_not_entitled', `network restrictions are not available on project ${t.ref}'s plan: upgrade it in the dashboard`);
  }
  const v4 = cidrs.filter((c) => !c.includes(':'));
  const v6 = cidrs.filter((c) => c.includes(':'));
  const have = new Set([...(current.config.dbAllowedCidrs ?? []), ...(current.config.dbAllowedCidrsV6 ?? [])]);
  const effective = how === 'add' ? cidrs.filter((c) => !have.has(c)) : cidrs.filter((c) => have.has(c));
  if (effective.length === 0) {
    return ok(how === 'add' ? `already allowed on project ${t.ref}: ${cidrs.join(', ')}` : `not in the allow list of project ${t.ref}: ${cidrs.join(', ')}`, current);
  }
  const left = [...have].filter((c) => how === 'add' || !cidrs.includes(c));
  const lockout = how === 'rm' && left.length === 0 ? ' (no address will be allowed: every connection will be refused)' : '';
  const summary = `${how === 'add' ? 'allow' : 'stop allowing'} ${effective.join(', ')} on project ${t.ref}${lockout}`;
  if (dryRun) return ok(`dry run: would ${summary}`, { dryRun: true, change: effective });
  await approve(ctx, 'credentialChange', { tool: `network restrictions ${how}`, args: { cidrs: [...cidrs] }, bind: { allowList: [...have].sort().join(',') || '(none)' }, target: t.ref, summary });
  const body = how === 'add'
    ? { add: { ...(v4.length ? { dbAllowedCidrs: v4 } : {}), ...(v6.length ? { dbAllowedCidrsV6: v6 } : {}) } }
    : { remove: { ...(v4.length ? { dbAllowedCidrs: v4 } : {}), ...(v6.length ? { dbAllowedCidrsV6: v6 } : {}) } };
  await ctx.step('EXECUTE', 'change network restrictions', async () => {
    const r = await t.api.patchNetworkRestrictions(body);
    return { status: r.status };
  });
  let applied: NetworkRestrictions | null = null;
  await ctx.step('VERIFY', 'follow the change until applied', async () => {
    await pollUntil(ctx, 'network restrictions', async () => {
      applied = await t.api.getNetworkRestrictions();
      return { done: applied.status === 'applied', status: applied.status };
    });
    return { applied: true };
  });
  const final = applied ?? current;
  ctx.log('success', `Network restrictions applied: ${summary}`);
  return ok(`network restrictions applied on project ${t.ref}: ${how === 'add' ? 'allowed' : 'removed'} ${effective.join(', ')}`, final, renderOutput(output, final, { rows: cidrRows(final), columns: CIDR_COLUMNS }));
}
