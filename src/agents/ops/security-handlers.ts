// security policies list | security audit: catalog queries on the local database, or through the
// platform's query endpoint (merged with its advisors and SSL enforcement) on a linked project.
import type { OutputFormat } from '../../services/format/output.js';
import { renderOutput } from '../../services/format/output.js';
import { ok, type CommandContext, type CommandResult } from '../types.js';
import { resolveTarget } from './context.js';
import { auditResult, linkedFindings, policiesList } from './linked-security.js';
import { openLocalDb } from './local-open.js';
import { POLICIES_SQL, runCatalogLints, toPolicyRows } from './security-lints.js';
import { POLICY_COLUMNS } from './views.js';

interface OutputArgs {
  readonly output?: OutputFormat;
}

const fmt = (a: OutputArgs): OutputFormat => a.output ?? 'table';

export async function securityPoliciesHandler(ctx: CommandContext, a: OutputArgs): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked') return policiesList(t, fmt(a));
  const db = await openLocalDb(ctx.root, t.env);
  try {
    const rows = toPolicyRows(await db.query(POLICIES_SQL));
    return ok(`${rows.length} RLS polic${rows.length === 1 ? 'y' : 'ies'} in the local database`, { policies: rows }, renderOutput(fmt(a), { policies: rows }, { rows, columns: POLICY_COLUMNS, empty: '(no policies)' }));
  } finally {
    await db.close();
  }
}

export async function securityAuditHandler(ctx: CommandContext, a: OutputArgs): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked') return auditResult(await linkedFindings(t), `project ${t.ref}`, fmt(a));
  const db = await openLocalDb(ctx.root, t.env);
  try {
    return auditResult(await runCatalogLints((sql) => db.query(sql)), 'the local database', fmt(a));
  } finally {
    await db.close();
  }
}
