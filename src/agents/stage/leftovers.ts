// What a staged worktree holds that git does not track (untracked and ignored files), sorted by
// what `discard` may do with it: archive it, drop it because it is rebuilt anyway, or never copy
// it anywhere because it holds secrets (env files, keys), which only go on a typed confirmation.
import { cpSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { git } from '../../services/git/git.js';

export interface Leftovers {
  /** Ignored files to copy into the archive before the worktree goes (paths relative to it). */
  readonly archive: readonly string[];
  /** Files that may hold secrets (untracked or ignored): listed, never archived or committed. */
  readonly secrets: readonly string[];
  /** Directories (or links) that are rebuilt or reinstalled anyway: listed and dropped. */
  readonly rebuildable: readonly string[];
}

/** Env files (`.env`, `.env.local`, `.envrc`, ...), private keys and certificates. */
const SECRET_FILE = /^(\.env(rc)?(\..*)?|\.dev\.vars|.*\.(pem|key|p12|pfx|keystore|jks)|id_(rsa|dsa|ecdsa|ed25519))$/i;

/** Dependency installs, framework caches and build outputs. */
const REBUILDABLE = new Set(['node_modules', '.next', '.nuxt', '.svelte-kit', '.turbo', '.vercel', '.output', '.cache', '.parcel-cache', '.vite', 'dist', 'build', 'out', 'coverage']);

export const isSecretFile = (path: string): boolean => SECRET_FILE.test(basename(path));

const list = async (cwd: string, args: readonly string[]): Promise<string[]> =>
  (await git(cwd, ['ls-files', '--others', '--exclude-standard', '-z', ...args])).split('\0').filter((p) => p.length > 0);

export async function findLeftovers(worktree: string): Promise<Leftovers> {
  const archive: string[] = [];
  const secrets: string[] = [];
  const rebuildable: string[] = [];
  // Untracked files git does not ignore go into the archive's commit; only their secrets matter here.
  for (const path of await list(worktree, [])) if (isSecretFile(path)) secrets.push(path);
  // Ignored entries, a whole ignored directory as one entry (`.next/`), then walked here.
  const sort = (path: string): void => {
    const name = basename(path);
    let stat;
    try {
      stat = lstatSync(join(worktree, path));
    } catch {
      return;
    }
    if (REBUILDABLE.has(name)) rebuildable.push(stat.isDirectory() ? `${path}/` : path);
    else if (stat.isDirectory()) for (const child of readdirSync(join(worktree, path))) sort(join(path, child));
    else if (isSecretFile(path)) secrets.push(path);
    else archive.push(path);
  };
  for (const entry of await list(worktree, ['--ignored', '--directory'])) sort(entry.replace(/\/$/, ''));
  const byPath = (a: string, b: string): number => a.localeCompare(b);
  return { archive: archive.sort(byPath), secrets: secrets.sort(byPath), rebuildable: rebuildable.sort(byPath) };
}

/** Copies the archivable ignored files under `dest`, keeping their paths; links are copied as links, never followed. */
export function archiveLeftovers(worktree: string, leftovers: Leftovers, dest: string): void {
  for (const path of leftovers.archive) {
    const target = join(dest, path);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(worktree, path), target, { verbatimSymlinks: true, preserveTimestamps: true });
  }
}

/** One line per kind, for messages and approvals. */
export function describeLeftovers(l: Leftovers): string[] {
  const names = (paths: readonly string[]): string => (paths.length > 6 ? `${paths.slice(0, 6).join(', ')} and ${paths.length - 6} more` : paths.join(', '));
  return [
    l.archive.length > 0 ? `ignored file(s) copied to the archive: ${names(l.archive)}` : null,
    l.rebuildable.length > 0 ? `dropped without archiving, as they are rebuilt: ${names(l.rebuildable)}` : null,
    l.secrets.length > 0 ? `env and key files, never archived, deleted with the worktree: ${names(l.secrets)}` : null,
  ].filter((s): s is string => s !== null);
}
