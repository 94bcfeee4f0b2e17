// pg_dump / pg_restore: finding them, their major version, and connection arguments that keep the
// password out of the argument list (it goes in PGPASSWORD).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../../services/exec/run.js';

export interface PgTool {
  readonly path: string;
  readonly major: number;
  readonly version: string;
}

/** Folders that may hold PostgreSQL client binaries, best first. */
function candidateDirs(env: Readonly<Record<string, string | undefined>>): string[] {
  const dirs: string[] = [];
  if (env.AGENTDECK_PG_BIN) dirs.push(env.AGENTDECK_PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((d) => /^\d+$/.test(d))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(join(debian, v, 'bin'));
  }
  for (const d of (env.PATH ?? '').split(':')) if (d) dirs.push(d);
  return dirs;
}

export function parseMajor(versionText: string): number | null {
  const m = /(\d+)(?:\.(\d+))?/.exec(versionText);
  return m ? Number(m[1]) : null;
}

/**
 * The newest `name` (pg_dump, pg_restore, psql) found, with its major version; null when none.
 * AGENTDECK_PG_BIN, when set, wins.
 */
export async function findPgTool(name: 'pg_dump' | 'pg_restore' | 'psql', env: Readonly<Record<string, string | undefined>> = process.env): Promise<PgTool | null> {
  let best: PgTool | null = null;
  const seen = new Set<string>();
  for (const dir of candidateDirs(env)) {
    const path = join(dir, name);
    if (seen.has(path) || !existsSync(path)) continue;
    seen.add(path);
    const r = await runProcess(path, ['--version'], { timeoutMs: 10_000 });
    const major = r.code === 0 ? parseMajor(r.stdout.replace(/^[^)]*\)/, '')) : null;
    if (major === null) continue;
    const tool = { path, major, version: r.stdout.trim() };
    if (env.AGENTDECK_PG_BIN && dir === env.AGENTDECK_PG_BIN) return tool;
    if (!best || major > best.major) best = tool;
  }
  return best;
}

/** A connection URL without its password, and the password for PGPASSWORD. */
export function splitPassword(url: string): { url: string; password: string | null } {
  try {
    const u = new URL(url);
    const password = u.password ? decodeURIComponent(u.password) : null;
    u.password = '';
    return { url: u.toString(), password };
  } catch {
    return { url, password: null };
  }
}

export function connectionEnv(url: string): { dbname: string; env: Record<string, string> } {
  const { url: bare, password } = splitPassword(url);
  return { dbname: bare, env: password ? { PGPASSWORD: password } : {} };
}
