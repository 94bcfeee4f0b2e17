// The approval policy (the plan's section 7.2): the defaults, overridden per project by the
// config's `approvals.policy`. A command names the policy key that governs it.
import type { ApprovalPolicyKey, CommandSpec } from '../../commands/types.js';
import { DEFAULT_APPROVAL_POLICY } from '../../commands/types.js';

export type ApprovalPolicy = Record<ApprovalPolicyKey, boolean>;

export function resolvePolicy(overrides?: Partial<Record<ApprovalPolicyKey, boolean>>): ApprovalPolicy {
  return { ...DEFAULT_APPROVAL_POLICY, ...(overrides ?? {}) };
}

/**
 * The policy key that governs this command with these args. A deploy's key depends on its target:
 * `deploy production` is a production deployment, `deploy staging` a staging one.
 */
export function policyKeyFor(spec: CommandSpec, args: Record<string, unknown>): ApprovalPolicyKey | null {
  if (spec.approval === 'productionDeployment' || spec.approval === 'stagingDeployment') {
    const target = targetOf(args);
    if (target === 'production') return 'productionDeployment';
    if (target === 'staging') return 'stagingDeployment';
  }
  return spec.approval;
}

export function needsApproval(policy: ApprovalPolicy, spec: CommandSpec, args: Record<string, unknown>): boolean {
  const key = policyKeyFor(spec, args);
  return key !== null && policy[key];
}

/** The environment an action is aimed at, from the usual argument names. */
export function targetOf(args: Record<string, unknown>): string {
  for (const name of ['target', 'env', 'environment']) {
    const v = args[name];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return 'local';
}
