// `emergency access <user>`: after an approval with a reason, a one-time sign-in link for the
// user from Supabase auth admin. The link is shown once, in the result's lines only: it is never
// put in events, the run's stored result, the audit or logs. The audit records that it was issued.
import { createClient } from '@supabase/supabase-js';
import { emergencyAccess } from '../../commands/defs/emergency.js';
import { loadProject } from '../../services/config/project.js';
import { engineOf } from '../orchestrator/internals.js';
import type { CommandResult } from '../types.js';
import { fail, handle, ok } from '../types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AuthError {
  readonly message: string;
  readonly status?: number;
  readonly code?: string;
}

function authFailure(what: string, error: AuthError): CommandResult {
  const status = error.status ?? 0;
  if (status === 401 || status === 403) return fail('unauthorized', `${what}: Supabase refused the service role key (HTTP ${status})`);
  if (status === 404 || error.code === 'user_not_found') return fail('not_found', `${what}: no such user`);
  if (status === 0) return fail('unreachable', `${what}: cannot reach Supabase (${error.message})`);
  return fail('auth_error', `${what}: ${error.message} (HTTP ${status})`);
}

export const emergencyAccessHandler = handle(emergencyAccess, async (ctx, args) => {
  const { env } = loadProject(ctx.root);
  if (!env.SUPABASE_URL || !env.SUPABASE_SERVICE_ROLE_KEY) {
    return fail('not_configured', 'emergency access needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (in the environment or .env)');
  }
  let host: string;
  try {
    host = new URL(env.SUPABASE_URL).host;
  } catch {
    return fail('not_configured', 'SUPABASE_URL is not a URL (expected https://<ref>.supabase.co)');
  }
  // The reason is free text and lands in the approval row, the dialog and the email: a pasted
  // credential in it is redacted before any of those see it (the same on resume, so the hash holds).
  const reason = engineOf(ctx).bus.redact(args.reason);
  await ctx.requireApproval({
    tool: emergencyAccess.id,
    args: { user: args.user, reason },
    target: host,
    summary: `Emergency access: a one-time sign-in link for ${args.user} (reason: ${reason})`,
  });

  const supabase = createClient(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  let email = args.user;
  let userId: string | null = null;
  if (UUID.test(args.user)) {
    const { data, error } = await supabase.auth.admin.getUserById(args.user);
    if (error) return authFailure(`user ${args.user}`, error);
    if (!data.user.email) return fail('no_email', `user ${args.user} has no email address, so no sign-in link can be made for it`);
    email = data.user.email;
    userId = data.user.id;
  }
  const { data, error } = await supabase.auth.admin.generateLink({ type: 'magiclink', email });
  if (error) return authFailure(`sign-in link for ${args.user}`, error);
  const link = data.properties.action_link;
  userId ??= data.user.id;

  engineOf(ctx).audit({
    initiator: ctx.initiator,
    agent: 'ops',
    action: 'emergency access: sign-in link issued',
    target: userId,
    ...(ctx.runId ? { runId: ctx.runId } : {}),
    result: 'issued',
    data: { user: userId, email, reason },
  });
  ctx.log('warn', `One-time sign-in link issued for ${email} (reason: ${reason})`);
  return {
    ...ok(`One-time sign-in link issued for ${email}; shown below once, it is not stored`, { user: userId, email }, [
      `One-time sign-in link for ${email} (use it once; it is not stored anywhere):`,
      link,
    ]),
    linesShownOnce: true,
  };
});
