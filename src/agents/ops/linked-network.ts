// Network restrictions of a linked project: the allowed CIDRs and any change waiting for review,
// and changes to them: approved here, requested (PATCH), applied through the platform's review
// step (POST .../network-restrictions/review, newer than the vendored spec) for exactly the change
// approved, and followed until the platform reports them applied.
import { renderOutput, type OutputFormat } from '../../services/format/output.js';
import { ManagementApiError } from '../../services/supabase/management-errors.js';
import type { NetworkPendingChange, NetworkRestrictions } from '../../services/supabase/platform.js';
import { CommandError, ok, type CommandContext, type CommandResult } from '../types.js';
import { approve, type LinkedTarget } from './context.js';
import { pollUntil } from './poll.js';
import { CIDR_COLUMNS, type CidrView } from './views.js';

type Cidrs = { dbAllowedCidrs?: string[]; dbAllowedCidrsV6?: string[] };

const all = (c: Cidrs | undefined): string[] => [...(c?.dbAllowedCidrs ?? []), ...(c?.dbAllowedCidrsV6 ?? [])];
const family = (cidr: string): 'IPv4' | 'IPv6' => (cidr.includes(':') ? 'IPv6' : 'IPv4');

/** What a pending change would add and remove. */
function pendingDiff(n: NetworkRestrictions, change: NetworkPendingChange): { add: string[]; remove: string[] } {
  const now = new Set(all(n.config));
  const next = new Set(all(change.config));
  return { add: [...next].filter((c) => !now.has(c)), remove: [...now].filter((c) => !next.has(c)) };
}

function cidrRows(n: NetworkRestrictions): CidrView[] {
  const change = n.pending_change;
  const { add, remove } = change ? pendingDiff(n, change) : { add: [], remove: [] };
  const rows: CidrView[] = all(n.config).map((cidr) => ({ cidr, family: family(cidr), status: remove.includes(cidr) ? `${n.status}, removal pending review` : n.status }));
  if (change) {
    rows.push(...add.map((cidr) => ({ cidr, family: family(cidr), status: `pending review (requested ${change.requested_at})` })));
  }
  return rows;
}

export async function networkList(t: LinkedTarget, output: OutputFormat): Promise<CommandResult> {
  const n = await t.api.getNetworkRestrictions();
  const current = all(n.config);
  const open = current.some((c) => c === '0.0.0.0/0' || c === '::/0');
  let pending = '';
  if (n.pending_change) {
    const { add, remove } = pendingDiff(n, n.pending_change);
    const what = [...add.map((c) => `+${c}`), ...remove.map((c) => `-${c}`)].join(' ') || 'no change to the list';
    pending = `; a change requested at ${n.pending_change.requested_at}${n.pending_change.requested_by ? ` by ${n.pending_change.requested_by}` : ''} waits for review (${what}): "network restrictions add|rm" here applies a change after your approval`;
  }
  const message = `${current.length} allowed CIDR${current.length === 1 ? '' : 's'} on project ${t.ref} (${n.status})${open ? '; the database is open to every address' : ''}${pending}`;
  return ok(message, n, renderOutput(output, n, { rows: cidrRows(n), columns: CIDR_COLUMNS, empty: '(no address may connect)' }));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/**
 * Applies the pending change through the review step, only when it is exactly the list this
 * command was approved to make; a superseded change (409) is one clear line.
 */
async function reviewPending(t: LinkedTarget, expected: readonly string[]): Promise<string | null> {
  const now = await t.api.getNetworkRestrictions();
  const change = now.pending_change;
  if (!change) return null; // applied without a review step
  if (!sameSet(all(change.config), expected)) {
    throw new CommandError(
      'network_change_mismatch',
      `the network change pending on project ${t.ref} (requested at ${change.requested_at}) is not the one approved here: nothing applied; see "network restrictions list"`,
    );
  }
  try {
    await t.api.reviewNetworkRestrictions('apply', change.requested_at);
  } catch (error) {
    if (error instanceof ManagementApiError && error.status === 409) {
      throw new CommandError(
        'network_change_superseded',
        `the network change requested at ${change.requested_at} on project ${t.ref} was superseded by a newer one: nothing applied; see "network restrictions list" and run the command again`,
      );
    }
    throw error;
  }
  return change.requested_at;
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
  /** The whole list once the change is applied: what the review may apply, nothing else. */
  const expected = how === 'add' ? [...have, ...effective] : left;
  const lockout = how === 'rm' && left.length === 0 ? ' (no address will be allowed: every connection will be refused)' : '';
  const summary = `${how === 'add' ? 'allow' : 'stop allowing'} ${effective.join(', ')} on project ${t.ref}${lockout}`;
  if (dryRun) return ok(`dry run: would ${summary}`, { dryRun: true, change: effective });
  await approve(ctx, 'credentialChange', { tool: `network restrictions ${how}`, args: { cidrs: [...cidrs] }, bind: { allowList: [...have].sort().join(',') || '(none)' }, target: t.ref, summary });
  const body = how === 'add'
    ? { add: { ...(v4.length ? { dbAllowedCidrs: v4 } : {}), ...(v6.length ? { dbAllowedCidrsV6: v6 } : {}) } }
    : { remove: { ...(v4.length ? { dbAllowedCidrs: v4 } : {}), ...(v6.length ? { dbAllowedCidrsV6: v6 } : {}) } };
  // One step: a requested change that is not reviewed does not take effect, so a failed review
  // leaves nothing to undo.
  await ctx.step('EXECUTE', 'change network restrictions', async () => {
    const r = await t.api.patchNetworkRestrictions(body);
    return { status: r.status, reviewed: await reviewPending(t, expected) };
  });
  let applied: NetworkRestrictions | null = null;
  await ctx.step('VERIFY', 'follow the change until applied', async () => {
    await pollUntil(ctx, 'network restrictions', async () => {
      applied = await t.api.getNetworkRestrictions();
      return { done: applied.status === 'applied' && !applied.pending_change, status: applied.pending_change ? 'pending review' : applied.status };
    });
    return { applied: true };
  });
  const final = applied ?? current;
  ctx.log('success', `Network restrictions applied: ${summary}`);
  return ok(`network restrictions applied on project ${t.ref}: ${how === 'add' ? 'allowed' : 'removed'} ${effective.join(', ')}`, final, renderOutput(output, final, { rows: cidrRows(final), columns: CIDR_COLUMNS }));
}
