// What every Ops handler needs besides its args: the credentials, which target it works on (the
// linked Supabase project or the local database), approvals under the project's policy, and
// progress events for the dashboard.
import type { ApprovalPolicyKey } from '../../commands/types.js';
import { loadEnv } from '../../services/config/env.js';
import { createManagementClient, managementConfigFrom, type ManagementClient } from '../../services/supabase/management-client.js';
import type { RateLimitState } from '../../services/supabase/resilient-fetch.js';
import { platform, type Platform } from '../../services/supabase/platform.js';
import { policyRequires } from '../orchestrator/policy.js';

export { policyRequires };
import { emitEvent } from '../emit.js';
import { fail, type ApprovalAction, type CommandContext, type CommandResult } from '../types.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The project's `.env` overlaid by the process environment (the environment wins). */
export function opsEnv(ctx: CommandContext): Env {
  return loadEnv(ctx.root).all;
}

export interface LinkedTarget {
  readonly kind: 'linked';
  readonly ref: string;
  readonly client: ManagementClient;
  readonly api: Platform;
  readonly env: Env;
}

export interface LocalTarget {
  readonly kind: 'local';
  readonly env: Env;
}

export type OpsTarget = LinkedTarget | LocalTarget;

/** The platform's rate limit window per API and project, shared by every command of this process. */
const rateLimits = new Map<string, RateLimitState>();

/**
 * The linked project when SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF are set (unless
 * AGENTDECK_OPS_TARGET=local), otherwise the local database.
 */
export function resolveTarget(ctx: CommandContext): OpsTarget {
  const env = opsEnv(ctx);
  const config = managementConfigFrom(env);
  const forced = env.AGENTDECK_OPS_TARGET?.trim().toLowerCase();
  if (forced === 'local' || !config || !config.ref) return { kind: 'local', env };
  const key = `${config.baseUrl} ${config.ref}`;
  let rateLimit = rateLimits.get(key);
  if (!rateLimit) rateLimits.set(key, (rateLimit = { limit: null, remaining: null, resetAt: null }));
  // SUPABASE_API_TIMEOUT_MS: the time one call may take (slow links; tests), else the client's
  // default; SUPABASE_API_BACKOFF_MS: the first wait before a retry (doubles each time), else 500 ms.
  const timeout = Number(env.SUPABASE_API_TIMEOUT_MS);
  const backoff = Number(env.SUPABASE_API_BACKOFF_MS);
  const client = createManagementClient(config, {
    signal: ctx.signal,
    rateLimit,
    ...(Number.isInteger(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
    ...(Number.isInteger(backoff) && backoff > 0 ? { backoffMs: backoff } : {}),
  });
  return { kind: 'linked', ref: client.projectRef(), client, api: platform(client), env };
}

/** The one line for platform-only commands on the local target. */
export function needsLinkedProject(what: string): CommandResult {
  return fail(
    'needs_linked_project',
    `${what} needs a linked Supabase project: set SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF (the local database has no such feature)`,
  );
}

/**
 * Asks for an approval of this exact action when the policy key requires one; resolves once it is
 * approved (on a resumed run), otherwise the run waits (ApprovalPending) or stops (rejected).
 * Called before the first EXECUTE step, so the engine's own gate sees it granted.
 */
export async function approve(ctx: CommandContext, key: ApprovalPolicyKey | null, action: ApprovalAction): Promise<void> {
  if (!policyRequires(ctx, key)) return;
  await ctx.requireApproval(action);
}

/** A progress event for the dashboard (kind `progress` on the engine's bus, else a log line). */
export function progress(ctx: CommandContext, level: 'info' | 'success' | 'warn' | 'error', message: string, data: Record<string, unknown>): void {
  emitEvent(ctx, 'progress', level, message, data);
}
