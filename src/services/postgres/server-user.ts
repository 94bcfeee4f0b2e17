// Who the local PostgreSQL server runs as. Postgres refuses to run as root, and it must not: as
// root agentdeck runs it as a dedicated unprivileged system user, created when missing, and gives
// it a data directory and (when the project's copy is out of its reach) binaries it can reach.
import { chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeExit, runProcess } from '../exec/run.js';

export const SERVER_USER = 'agentdeck-pg';

export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function lookup(name: string): ServerUser | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 4) return { name, uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    // no passwd file: treated as missing
  }
  return null;
}

/** The unprivileged user, created with `useradd --system` when missing (we are root here). */
export async function ensureServerUser(): Promise<ServerUser> {
  const found = lookup(SERVER_USER);
  if (found) return found;
  const r = await runProcess('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group', SERVER_USER], {
    timeoutMs: 30_000,
  });
  const made = lookup(SERVER_USER);
  if (!made) {
    throw new Error(
      `the local PostgreSQL server cannot run as root and the user ${SERVER_USER} could not be created (${r.stderr.trim() || describeExit(r)}); ` +
        `create it with "useradd --system ${SERVER_USER}" or run agentdeck as an ordinary user`,
    );
  }
  return made;
}

/** True when every directory from / down to `path` lets other users pass through (o+x). */
export function reachableByOthers(path: string): boolean {
  let dir = path;
  for (;;) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    const up = dirname(dir);
    if (up === dir) return true;
    dir = up;
  }
}

/** Where root keeps what the server user owns or must reach: outside any private project folder. */
export function rootHome(): string {
  return process.env.AGENTDECK_PG_HOME || '/var/lib/agentdeck';
}

/** A directory owned by the server user, mode 0700 (Postgres insists on it for its data dir). */
export function ownedDir(path: string, user: ServerUser | null): void {
  // Parents stay passable (0755): the server user walks through them to reach its own folder.
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (user) chownSync(path, user.uid, user.gid);
}

/**
 * The binaries' folder (the package's `native/`) as the server user can reach it: the installed
 * copy when its path is open to others, else a copy under the root home (once per version).
 */
export function reachableNative(nativeDir: string, version: string): string {
  if (reachableByOthers(join(nativeDir, 'bin'))) return nativeDir;
  const copy = join(rootHome(), 'engine', version);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    mkdirSync(dirname(copy), { recursive: true, mode: 0o755 });
    const partial = `${copy}.${process.pid}.tmp`;
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, copy);
    } catch {
      // another process copied it first
      rmSync(partial, { recursive: true, force: true });
    }
  }
  return copy;
}
