// The project's TypeScript diagnostics for a scan: its own `tsc` as a subprocess when installed
// (its version, its config, and the event loop stays free), else the compiler API. An app whose
// dependencies are not installed is not type-checked at all: every import of 'next', 'react' or
// '@supabase/...' would be an error (TS2307) that says nothing about the code.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runProcess } from '../../services/exec/run.js';
import { appEnv, resolveArgv } from '../../services/exec/test-runner.js';
import { typecheck, type Diagnostic } from '../codesmith/typecheck.js';

const LINE = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;

/** Reads `file(line,col): error TSnnnn: message` lines (continuation lines are left out). */
export function parseTscOutput(text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trimEnd());
    if (!m) continue;
    out.push({
      file: m[1] as string,
      line: Number(m[2]),
      column: Number(m[3]),
      severity: m[4] === 'warning' ? 'warning' : 'error',
      code: m[5] as string,
      message: m[6] as string,
    });
  }
  return out;
}

function declaredDependencies(dir: string): Record<string, unknown> {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: unknown; devDependencies?: unknown };
    const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
    return { ...asRecord(pkg.dependencies), ...asRecord(pkg.devDependencies) };
  } catch {
    return {};
  }
}

/** True when `typescript` resolves from `dir` as the app's own code would (node_modules here or above). */
function resolvesTypescript(dir: string): boolean {
  try {
    createRequire(join(dir, 'package.json')).resolve('typescript/package.json');
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the app's types cannot be checked as they are (its dependencies are not installed), or null.
 * A folder without a package.json naming dependencies is checked with the compiler API as it is.
 */
export function uncheckableReason(dir: string): string | null {
  const declared = declaredDependencies(dir);
  const install = `run npm install in ${dir}`;
  if (Object.keys(declared).length > 0 && !existsSync(join(dir, 'node_modules'))) return `node_modules is missing: ${install}`;
  if ((existsSync(join(dir, 'tsconfig.json')) || 'typescript' in declared) && !resolvesTypescript(dir)) {
    return `the app's typescript cannot be found (node_modules/typescript): ${install}`;
  }
  return null;
}

export type ProjectDiagnostics = { readonly diagnostics: Diagnostic[]; readonly via: string } | { readonly skipped: string };

export async function projectDiagnostics(dir: string, signal?: AbortSignal): Promise<ProjectDiagnostics> {
  const skipped = uncheckableReason(dir);
  if (skipped) return { skipped };
  if (existsSync(join(dir, 'tsconfig.json')) && existsSync(join(dir, 'node_modules', '.bin', 'tsc'))) {
    const { cmd, args } = resolveArgv(dir, ['tsc', '--noEmit', '-p', 'tsconfig.json', '--pretty', 'false']);
    const result = await runProcess(cmd, args, { cwd: dir, env: appEnv(dir), timeoutMs: 600_000, ...(signal ? { signal } : {}) });
    const diagnostics = parseTscOutput(result.stdout);
    // Exit 0 (clean) or 2 (errors reported) are answers; anything else fell over: use the API.
    if (result.code === 0 || diagnostics.length > 0) return { diagnostics, via: 'tsc' };
  }
  return { diagnostics: typecheck(dir), via: 'compiler API' };
}
