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

/**
 * One finding per check, rule and location: tsc reports an error once per column of a line, test
 * runners list a failing test again in their summary. The first (most severe when sorted) is kept,
 * with how many times it was reported.
 */
export function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, { finding: Finding; count: number }>();
  for (const f of sortFindings(findings)) {
    // Without a rule (a failing test), the message tells two findings at one place apart.
    const key = `${f.source}\u0000${f.rule ?? f.message}\u0000${f.location}`;
    const seen = byKey.get(key);
    if (seen) seen.count++;
    else byKey.set(key, { finding: f, count: 1 });
  }
  return [...byKey.values()].map(({ finding, count }) => (count > 1 ? { ...finding, message: `${finding.message} (reported ${count} times)` } : finding));
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
