// The Node a project's own tools run with: the one the project pins (its node_modules/.bin/node)
// or else the first `node` on the user's PATH, never agentdeck's own pinned Node. When agentdeck
// itself runs through npm or npx, its node_modules/.bin comes first on PATH: those entries are
// left out for the project's child processes.
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { delimiter, join, resolve, sep } from 'node:path';

/** True for PATH entries npm adds to run a package's scripts (`.../node_modules/.bin`, node-gyp-bin). */
function isPackageBinDir(entry: string): boolean {
  const norm = entry.replace(/[\\/]+$/, '');
  return /[\\/]node_modules[\\/]\.bin$/.test(norm) || /[\\/]node-gyp-bin$/.test(norm);
}

function inside(path: string, dir: string): boolean {
  const p = resolve(path);
  const d = resolve(dir);
  return p === d || p.startsWith(d + sep);
}

/** The user's PATH for a child process in `dir`: package bin folders of other trees removed. */
export function appPath(dir: string, path: string = process.env.PATH ?? ''): string {
  return path
    .split(delimiter)
    .filter((entry) => entry !== '' && (!isPackageBinDir(entry) || inside(entry, dir)))
    .join(delimiter);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The node binary for the project at `dir`: its pinned one, the first on the user's PATH, or
 * (when PATH has none) the Node running agentdeck, as the last resort.
 */
export function appNode(dir: string, path: string = process.env.PATH ?? ''): string {
  const pinned = join(dir, 'node_modules', '.bin', 'node');
  if (existsSync(pinned) && executable(pinned)) return realpathSync(pinned);
  for (const entry of appPath(dir, path).split(delimiter)) {
    const candidate = join(entry, process.platform === 'win32' ? 'node.exe' : 'node');
    if (existsSync(candidate) && executable(candidate)) return candidate;
  }
  return process.execPath;
}
