// ESLint findings from the target's own eslint binary and config (run as a subprocess).
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runProcess } from '../../services/exec/run.js';
import { appEnv, OWN_DIRS, resolveArgv } from '../../services/exec/test-runner.js';

export interface LintFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: string | null;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** One finding as a line: `file:line:column rule message` (the rule empty when there is none). */
export function formatLintFinding(f: LintFinding): string {
  return `${f.file}:${f.line}:${f.column} ${f.rule ?? ''} ${f.message}`;
}

const CONFIGS = [
  'eslint.config.js',
  'eslint.config.mjs',
  'eslint.config.cjs',
  'eslint.config.ts',
  '.eslintrc',
  '.eslintrc.js',
  '.eslintrc.cjs',
  '.eslintrc.json',
  '.eslintrc.yml',
];

/** True when the target has an ESLint config and an installed eslint binary. */
export function hasEslint(dir: string): boolean {
  return CONFIGS.some((c) => existsSync(join(dir, c))) && existsSync(join(dir, 'node_modules', '.bin', 'eslint'));
}

export interface LintRun {
  readonly ran: boolean;
  readonly findings: LintFinding[];
  /** Why it did not run or could not be read. */
  readonly note?: string;
  /** Configured, but it could not run or its report could not be read (not the same as "not configured"). */
  readonly failed?: boolean;
}

interface EslintJson {
  filePath: string;
  messages: { ruleId: string | null; severity: number; message: string; line?: number; column?: number }[];
}

export async function lint(dir: string, files: readonly string[] = ['.'], signal?: AbortSignal): Promise<LintRun> {
  if (!hasEslint(dir)) return { ran: false, findings: [], note: 'no ESLint config or eslint binary in the project' };
  // Staged worktrees and agentdeck's own state live inside the project: never lint them as its code.
  const ignores = OWN_DIRS.flatMap((d) => ['--ignore-pattern', `${d}/**`]);
  const { cmd, args } = resolveArgv(dir, ['eslint', '--format', 'json', '--no-warn-ignored', ...ignores, ...files]);
  const result = await runProcess(cmd, args, { cwd: dir, env: appEnv(dir), timeoutMs: 300_000, ...(signal ? { signal } : {}) });
  let parsed: EslintJson[];
  try {
    parsed = JSON.parse(result.stdout) as EslintJson[];
  } catch {
    const why = (result.stderr.trim().split('\n')[0] ?? '') || `exit code ${result.code}`;
    return { ran: false, failed: true, findings: [], note: `eslint did not report: ${why}` };
  }
  const findings = parsed.flatMap((f) =>
    f.messages.map((m) => ({
      file: relative(dir, f.filePath),
      line: m.line ?? 0,
      column: m.column ?? 0,
      rule: m.ruleId,
      message: m.message,
      severity: m.severity >= 2 ? ('error' as const) : ('warning' as const),
    })),
  );
  return { ran: true, findings };
}
