// The project's TypeScript diagnostics for a scan: its own `tsc` as a subprocess when installed
// (its version, its config, and the event loop stays free), else the compiler API.
import { existsSync } from 'node:fs';
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

export async function projectDiagnostics(dir: string, signal?: AbortSignal): Promise<{ diagnostics: Diagnostic[]; via: string }> {
  if (existsSync(join(dir, 'tsconfig.json')) && existsSync(join(dir, 'node_modules', '.bin', 'tsc'))) {
    const { cmd, args } = resolveArgv(dir, ['tsc', '--noEmit', '-p', 'tsconfig.json', '--pretty', 'false']);
    const result = await runProcess(cmd, args, { cwd: dir, env: appEnv(dir), timeoutMs: 600_000, ...(signal ? { signal } : {}) });
    const diagnostics = parseTscOutput(result.stdout);
    // Exit 0 (clean) or 2 (errors reported) are answers; anything else fell over: use the API.
    if (result.code === 0 || diagnostics.length > 0) return { diagnostics, via: 'tsc' };
  }
  return { diagnostics: typecheck(dir), via: 'compiler API' };
}
