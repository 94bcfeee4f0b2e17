// What a scan reports: one finding per problem, located at file:line or table.column.
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type FindingSource = 'typescript' | 'eslint' | 'tests' | 'database';

export interface Finding {
  readonly source: FindingSource;
  readonly severity: Severity;
  /** `lib/estimates.ts:7` or `public.estimates.customer_id`. */
  readonly location: string;
  readonly message: string;
  /** TS code, ESLint rule, or the database check's name. */
  readonly rule?: string;
}

export const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.location.localeCompare(b.location));
}

const ICON: Record<Severity, string> = { critical: '✗', high: '✗', medium: '⚠', low: '·' };

/** One table row per finding: `✗ high     tests      lib/a.test.ts:4  name`. */
export function findingLines(findings: readonly Finding[]): string[] {
  return sortFindings(findings).map(
    (f) => `  ${ICON[f.severity]} ${f.severity.padEnd(8)} ${f.source.padEnd(10)} ${f.location}  ${f.message}${f.rule ? ` (${f.rule})` : ''}`,
  );
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
