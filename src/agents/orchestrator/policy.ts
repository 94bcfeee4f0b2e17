// The approval policy (the plan's section 7.2): the defaults, overridden per project by the
// config's `approvals.policy`. A command names the policy key that governs it. Some approvals no
// setting turns off (production deploys, hotfixes, emergency access), and only a person decides any.
import type { ApprovalPolicyKey, CommandSpec } from '../../commands/types.js';
import { ALWAYS_ON_POLICY_KEYS, DEFAULT_APPROVAL_POLICY } from '../../commands/types.js';
import type { CommandContext } from '../types.js';
import { engineOf } from './internals.js';

export type ApprovalPolicy = Record<ApprovalPolicyKey, boolean>;

export function resolvePolicy(overrides?: Partial<Record<ApprovalPolicyKey, boolean>>): ApprovalPolicy {
  const policy = { ...DEFAULT_APPROVAL_POLICY, ...(overrides ?? {}) };
  for (const key of ALWAYS_ON_POLICY_KEYS) policy[key] = true;
  return policy;
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
  return key !== null && (policy[key] || spec.alwaysAsks === true || ALWAYS_ON_POLICY_KEYS.includes(key));
}

/** Whether the project's policy asks a person for this key (the default policy outside the engine). */
export function policyRequires(ctx: CommandContext, key: ApprovalPolicyKey | null): boolean {
  if (key === null) return false;
  try {
    return engineOf(ctx).policy[key];
  } catch {
    return resolvePolicy()[key];
  }
}

/** The environment an action is aimed at, from the usual argument names. */
export function targetOf(args: Record<string, unknown>): string {
  for (const name of ['target', 'env', 'environment']) {
    const v = args[name];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return 'local';
}

/**
 * The initiator of a person at an interactive terminal: the console, or `agentdeck run` typed at a
 * terminal. Only such a person decides approvals; `run` without a terminal (a script, a model's
 * shell tool), an MCP client, a schedule or an agent may ask for one but never decide it.
 */
export const PERSON = 'you';

export function isPerson(initiator: string): boolean {
  return initiator === PERSON;
}
