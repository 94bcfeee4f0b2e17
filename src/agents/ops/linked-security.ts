// Security on a linked project: policies through the read-only query endpoint, and the audit
// merging our catalog lints with the platform's advisors, SSL enforcement and network bans.
import { renderOutput, type OutputFormat } from '../../services/format/output.js';
import { incomplete, ok, type CommandResult, type NotRun } from '../types.js';
import type { LinkedTarget } from './context.js';
import { mergeFindings, POLICIES_SQL, runCatalogLints, toPolicyRows, type Finding } from './security-lints.js';
import { FINDING_COLUMNS, POLICY_COLUMNS } from './views.js';

export async function policiesList(t: LinkedTarget, output: OutputFormat): Promise<CommandResult> {
  const rows = toPolicyRows(await t.api.runQuery(POLICIES_SQL));
  return ok(`${rows.length} RLS polic${rows.length === 1 ? 'y' : 'ies'} on project ${t.ref}`, { policies: rows }, renderOutput(output, { policies: rows }, { rows, columns: POLICY_COLUMNS, empty: '(no policies)' }));
}

/** What the audit found, and the sources that could not be read (the audit is then incomplete). */
export interface Audit {
  readonly findings: Finding[];
  readonly notRun: NotRun[];
}

/** A source's findings, or why it could not be read. */
async function source(name: string, read: () => Promise<Finding[]>, notRun: NotRun[]): Promise<Finding[]> {
  try {
    return await read();
  } catch (error) {
    notRun.push({ check: name, why: error instanceof Error ? error.message : String(error) });
    return [];
  }
}

/**
 * Our catalog lints through the query endpoint, merged with the platform's advisors (v2 run, else
 * v1), SSL enforcement and network bans. A source that cannot be read makes the audit incomplete.
 */
export async function linkedFindings(t: LinkedTarget): Promise<Audit> {
  const notRun: NotRun[] = [];
  const [catalog, advisors, ssl, bans] = await Promise.all([
    source('catalog lints', () => runCatalogLints((sql) => t.api.runQuery(sql)), notRun),
    source('security advisors', async () => {
      const { lints } = await t.api.runAdvisors(['SECURITY']);
      return lints
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
    }, notRun),
    source('SSL enforcement', async () => ((await t.api.sslEnforcement()).currentConfig.database ? [] : [sslFinding(t.ref)]), notRun),
    source('network bans', async () => {
      const banned = (await t.api.networkBans()).banned_ipv4_addresses;
      return banned.length === 0 ? [] : [bansFinding(t.ref, banned)];
    }, notRun),
  ]);
  // In the order of the sources, not of their answers.
  const order = ['catalog lints', 'security advisors', 'SSL enforcement', 'network bans'];
  notRun.sort((a, b) => order.indexOf(a.check) - order.indexOf(b.check));
  return { findings: mergeFindings(advisors, catalog, ssl, bans), notRun };
}

function sslFinding(ref: string): Finding {
  return {
    name: 'ssl_not_enforced',
    title: 'SSL not enforced',
    level: 'WARN',
    object: 'database',
    detail: `Project ${ref} accepts database connections without SSL.`,
    remediation: 'Enforce SSL (dashboard: Database > Settings > SSL, or PUT /v1/projects/{ref}/ssl-enforcement).',
    source: 'platform',
  };
}

function bansFinding(ref: string, banned: readonly string[]): Finding {
  const shown = banned.slice(0, 10).join(', ') + (banned.length > 10 ? `, and ${banned.length - 10} more` : '');
  return {
    name: 'network_bans',
    title: 'Addresses banned from the database',
    level: 'INFO',
    object: 'network',
    detail: `Project ${ref} bans ${banned.length} address${banned.length === 1 ? '' : 'es'} after repeated failed logins: ${shown}.`,
    remediation: 'Check whether they are yours (a misconfigured client or pooler); lift a ban with DELETE /v1/projects/{ref}/network-bans.',
    source: 'platform',
  };
}

export function auditResult(audit: Audit, where: string, output: OutputFormat): CommandResult {
  const { findings, notRun } = audit;
  const count = (level: string): number => findings.filter((f) => f.level === level).length;
  const message =
    findings.length === 0
      ? `security audit of ${where}: no findings`
      : `security audit of ${where}: ${count('ERROR')} error(s), ${count('WARN')} warning(s), ${count('INFO')} info`;
  const lines = renderOutput(output, { findings }, { rows: findings, columns: FINDING_COLUMNS, empty: '(no findings)' });
  // "No findings" from a source that was not read is not a clean audit.
  if (notRun.length) return incomplete(message, notRun, { findings }, lines);
  return ok(message, { findings }, lines);
}
