// One process at a time per PGlite data dir: two processes opening the same dir corrupt it.
// The lock is a file in the data dir holding the holder's pid; a lock whose pid no longer
// exists is stale and taken over.
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../process.js';
import { DbLockedError } from './types.js';

export const LOCK_FILE = 'agentdeck.lock';

interface LockBody {
  readonly pid: number;
  readonly command: string;
  readonly since: string;
}

export interface DirLock {
  readonly path: string;
  release(): void;
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export { pidAlive } from '../process.js';

function readBody(path: string): LockBody | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockBody>;
    if (typeof parsed.pid !== 'number') return null;
    return { pid: parsed.pid, command: String(parsed.command ?? ''), since: String(parsed.since ?? 'an unknown time') };
  } catch {
    return null;
  }
}

function tryCreate(path: string, body: LockBody): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(body));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Lock files this process holds: a second open in the same process must share the first. */
const held = new Set<string>();

/**
 * Takes the data dir's lock for this process, or throws DbLockedError naming the live holder.
 * A lock file naming this same pid but not held (a leftover) is taken over.
 */
export function acquireDirLock(dataDir: string): DirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  if (held.has(path)) {
    throw new Error(`the local database ${dataDir} is already open in this process; share that handle (openTarget does)`);
  }
  const body: LockBody = {
    pid: process.pid,
    command: process.argv.slice(1, 3).join(' ').slice(0, 120),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, body)) {
      held.add(path);
      return makeLock(path);
    }
    const holder = readBody(path);
    if (holder && holder.pid !== process.pid && pidAlive(holder.pid)) {
      throw new DbLockedError(dataDir, holder.pid, holder.command, holder.since);
    }
    // Stale (dead pid, our own pid, or unreadable): remove and try again.
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`cannot take the lock ${path}: another process keeps recreating it`);
}

function makeLock(path: string): DirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    held.delete(path);
    process.off('exit', release);
    const holder = readBody(path);
    if (holder && holder.pid !== process.pid) return; // someone took it over; not ours to remove
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return { path, release };
}
