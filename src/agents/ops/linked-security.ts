// Security on a linked project: policies through the query endpoint, and the audit merging our
// catalog lints with the platform's advisors and SSL enforcement.
import { renderOutput, type OutputFormat } from '../../services/format/output.js';
import { ok, type CommandResult } from '../types.js';
import type { LinkedTarget } from './context.js';
import { mergeFindings, POLICIES_SQL, remediationUrl, runCatalogLints, toPolicyRows, type Finding } from './security-lints.js';
import { FINDING_COLUMNS, POLICY_COLUMNS } from './views.js';

export async function policiesList(t: LinkedTarget, output: OutputFormat): Promise<CommandResult> {
  const rows = toPolicyRows(await t.api.runQuery(POLICIES_SQL));
  return ok(`${rows.length} RLS polic${rows.length === 1 ? 'y' : 'ies'} on project ${t.ref}`, { policies: rows }, renderOutput(output, { policies: rows }, { rows, columns: POLICY_COLUMNS, empty: '(no policies)' }));
}

/** Our catalog lints through the query endpoint, merged with the platform's advisors and SSL enforcement. */
export async function linkedFindings(t: LinkedTarget): Promise<Finding[]> {
  const [catalog, advisors, ssl] = await Promise.all([runCatalogLints((sql) => t.api.runQuery(sql)), t.api.securityAdvisors(), t.api.sslEnforcement()]);
  const fromAdvisor: Finding[] = advisors.lints
    .filter((l) => l.categories.includes('SECURITY'))
    .map((l) => ({
      name: l.name,
      title: l.title,
      level: l.level,
      object: l.metadata?.schema && l.metadata.name ? `${l.metadata.schema}.${l.metadata.name}` : (l.metadata?.entity ?? l.metadata?.name ?? 'project'),
      detail: l.detail,
      remediation: l.remediation,
      source: 'advisor' as const,
    }));
  const platform: Finding[] = ssl.currentConfig.database
    ? []
    : [
        {
          name: 'ssl_not_enforced',
          title: 'SSL not enforced',
          level: 'WARN',
          object: 'database',
          detail: `Project ${t.ref} accepts database connections without SSL.`,
          remediation: `Enforce SSL (dashboard: Database > Settings > SSL, or PUT /v1/projects/{ref}/ssl-enforcement). ${remediationUrl('ssl_not_enforced')}`,
          source: 'platform',
        },
      ];
  return mergeFindings(fromAdvisor, catalog, platform);
}

export function auditResult(findings: readonly Finding[], where: string, output: OutputFormat): CommandResult {
  const count = (level: string): number => findings.filter((f) => f.level === level).length;
  const message =
    findings.length === 0
      ? `security audit of ${where}: no findings`
      : `security audit of ${where}: ${count('ERROR')} error(s), ${count('WARN')} warning(s), ${count('INFO')} info`;
  return ok(message, { findings }, renderOutput(output, { findings }, { rows: findings, columns: FINDING_COLUMNS, empty: '(no findings)' }));
}
