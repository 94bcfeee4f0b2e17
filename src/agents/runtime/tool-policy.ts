// The project's policy for a model's tool calls, enforced by a PreToolUse hook before any
// permission prompt: no writes outside the working directory, no secrets files, no destructive
// shell commands. A refusal is told to the model with its reason.
import { isAbsolute, relative, resolve } from 'node:path';

const DESTRUCTIVE_SHELL: readonly [RegExp, string][] = [
  [/\brm\s+-[a-z]*r[a-z]*f?\s+(\/|~|\*)(\s|$)/i, 'recursive delete of a root, home or wildcard path'],
  [/\bgit\s+push\b.*(--force|-f\b)/i, 'force push'],
  [/\bgit\s+reset\s+--hard\b/i, 'hard reset'],
  [/\b(drop|truncate)\s+(table|database|schema)\b/i, 'destructive SQL (use the Migrator, which asks for an approval)'],
  [/\b(curl|wget)\b[^|]*\|\s*(sh|bash)\b/i, 'piping a download into a shell'],
  [/\bmkfs\b|\bdd\s+if=/i, 'writing a disk'],
];

const SECRET_FILE = /(^|\/)(\.env(\.[\w-]+)?|[^/]*\.pem|id_rsa[^/]*|credentials\.json)$/i;

function pathOf(input: Record<string, unknown>): string | null {
  for (const key of ['file_path', 'path', 'notebook_path']) {
    const v = input[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

function outside(cwd: string, path: string): boolean {
  const rel = relative(cwd, resolve(cwd, path));
  return rel.startsWith('..') || isAbsolute(rel);
}

/** Why this tool call is refused, or null when the policy lets it through (to the permission check). */
export function toolPolicy(tool: string, input: Record<string, unknown>, cwd: string): string | null {
  const path = pathOf(input);
  if (path && SECRET_FILE.test(path)) return `${path} holds secrets; agents do not read or write it`;
  if ((tool === 'Write' || tool === 'Edit' || tool === 'MultiEdit' || tool === 'NotebookEdit') && path && outside(cwd, path))
    return `${path} is outside the working directory ${cwd}`;
  if (tool === 'Bash') {
    const command = typeof input.command === 'string' ? input.command : '';
    for (const [pattern, why] of DESTRUCTIVE_SHELL) if (pattern.test(command)) return `refused by the project's policy: ${why}`;
  }
  return null;
}
