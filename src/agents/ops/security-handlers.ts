// security policies list | security audit: catalog queries on the local database, or through the
// platform's query endpoint (merged with its advisors and SSL enforcement) on a linked project.
import { renderOutput } from '../../services/format/output.js';
import { ok, type CommandContext, type CommandResult } from '../types.js';
import { fmt, type OutputArgs } from './backup-handlers.js';
import { resolveTarget } from './context.js';
import { auditResult, linkedFindings, policiesList } from './linked-security.js';
import { withLocalDb } from './local-open.js';
import { POLICIES_SQL, runCatalogLints, toPolicyRows } from './security-lints.js';
import { POLICY_COLUMNS } from './views.js';

export async function securityPoliciesHandler(ctx: CommandContext, a: OutputArgs): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked') return policiesList(t, fmt(a));
  return withLocalDb(ctx.root, t.env, async (db) => {
    const rows = toPolicyRows(await db.query(POLICIES_SQL));
    return ok(`${rows.length} RLS polic${rows.length === 1 ? 'y' : 'ies'} in the local database`, { policies: rows }, renderOutput(fmt(a), { policies: rows }, { rows, columns: POLICY_COLUMNS, empty: '(no policies)' }));
  });
}

export async function securityAuditHandler(ctx: CommandContext, a: OutputArgs): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked') return auditResult(await linkedFindings(t), `project ${t.ref}`, fmt(a));
  return withLocalDb(ctx.root, t.env, async (db) => auditResult({ findings: await runCatalogLints((sql) => db.query(sql)), notRun: [] }, 'the local database', fmt(a)));
}
