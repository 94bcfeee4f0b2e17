// The settings of agentdeck.config.json that guard gated actions: the approval policy, how long an
// approval stays valid, the deploy commands and the test command (the test run is the deploy
// gate). A change that makes a gated action less guarded ("lowers" a guard) takes effect only once
// a person confirmed it; until then the last confirmed value stays in force. Raising a guard
// applies at once.
import { ALWAYS_ON_POLICY_KEYS, APPROVAL_POLICY_KEYS, type ApprovalPolicyKey } from '../../commands/types.js';
import type { Argv, ProjectConfig } from './schema.js';

export interface GuardSettings {
  readonly policy: Readonly<Record<ApprovalPolicyKey, boolean>>;
  readonly ttlMinutes: number;
  readonly deploy: { readonly staging: readonly Argv[]; readonly production: readonly Argv[] };
  readonly test: Argv | null;
}

/** One guard a change lowers: the setting, and its confirmed and proposed values as shown. */
export interface GuardChange {
  readonly key: string;
  readonly from: string;
  readonly to: string;
}

export function guardsOf(config: Pick<ProjectConfig, 'approvals' | 'deploy' | 'test'>): GuardSettings {
  return {
    policy: { ...config.approvals.policy },
    ttlMinutes: config.approvals.ttlMinutes,
    deploy: { staging: config.deploy.staging, production: config.deploy.production },
    test: config.test,
  };
}

const shown = (argvs: readonly Argv[] | Argv | null): string => (argvs === null ? '(none)' : JSON.stringify(argvs));
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What `next` lowers compared with `confirmed`: a policy key turned off, a longer approval expiry,
 * any change of the deploy commands or of the test command (a command cannot be judged safer, so
 * every change counts). Keys that no setting turns off are not listed: they stay on anyway.
 */
export function loweredGuards(confirmed: GuardSettings, next: GuardSettings): GuardChange[] {
  const out: GuardChange[] = [];
  for (const key of APPROVAL_POLICY_KEYS) {
    if (ALWAYS_ON_POLICY_KEYS.includes(key)) continue;
    if (confirmed.policy[key] && !next.policy[key]) out.push({ key: `approvals.policy.${key}`, from: 'true', to: 'false' });
  }
  if (next.ttlMinutes > confirmed.ttlMinutes) out.push({ key: 'approvals.ttlMinutes', from: String(confirmed.ttlMinutes), to: String(next.ttlMinutes) });
  for (const env of ['staging', 'production'] as const) {
    if (!same(confirmed.deploy[env], next.deploy[env])) out.push({ key: `deploy.${env}`, from: shown(confirmed.deploy[env]), to: shown(next.deploy[env]) });
  }
  if (!same(confirmed.test, next.test)) out.push({ key: 'test', from: shown(confirmed.test), to: shown(next.test) });
  return out;
}

/** Policy keys that `policy` tries to turn off although no setting can. */
export function ignoredPolicyKeys(policy: Readonly<Record<ApprovalPolicyKey, boolean>>): ApprovalPolicyKey[] {
  return ALWAYS_ON_POLICY_KEYS.filter((k) => !policy[k]);
}

/**
 * The guards in force: every raise of `next` applies, every lowering keeps the confirmed value.
 * Keys that no setting turns off are on.
 */
export function effectiveGuards(confirmed: GuardSettings, next: GuardSettings): GuardSettings {
  const policy = Object.fromEntries(
    APPROVAL_POLICY_KEYS.map((k) => [k, ALWAYS_ON_POLICY_KEYS.includes(k) || confirmed.policy[k] || next.policy[k]]),
  ) as Record<ApprovalPolicyKey, boolean>;
  return {
    policy,
    ttlMinutes: Math.min(confirmed.ttlMinutes, next.ttlMinutes),
    deploy: confirmed.deploy,
    test: confirmed.test,
  };
}

/** `config` with `guards` in force. */
export function withGuards<C extends ProjectConfig>(config: C, guards: GuardSettings): C {
  return {
    ...config,
    approvals: { policy: guards.policy, ttlMinutes: guards.ttlMinutes },
    deploy: { staging: guards.deploy.staging, production: guards.deploy.production },
    test: guards.test,
  };
}

/** One line for the lowered guards: `approvals.policy.databaseDestructive true → false, deploy.production ...`. */
export function describeChanges(changes: readonly GuardChange[]): string {
  return changes.map((c) => `${c.key} ${c.from} → ${c.to}`).join(', ');
}
