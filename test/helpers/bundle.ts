// Bundles a TypeScript entry into one .mjs so a test can run it as a real subprocess. The bundle
// lives inside the repository (node_modules/.cache) so its external packages resolve.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const cache = new Map<string, Promise<string>>();

export function bundleEntry(entry: string): Promise<string> {
  let p = cache.get(entry);
  if (!p) {
    const cacheDir = resolve('node_modules/.cache/agentdeck-tests');
    mkdirSync(cacheDir, { recursive: true });
    const outfile = join(mkdtempSync(join(cacheDir, 'bundle-')), basename(entry).replace(/\.tsx?$/, '.mjs'));
    p = build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: 'node22',
      jsx: 'automatic',
      logLevel: 'silent',
      absWorkingDir: process.cwd(),
    }).then(() => outfile);
    cache.set(entry, p);
  }
  return p;
}
