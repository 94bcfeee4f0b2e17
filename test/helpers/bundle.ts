// Bundles a TypeScript entry into one .mjs so a test can run it as a real subprocess.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const cache = new Map<string, Promise<string>>();

export function bundleEntry(entry: string): Promise<string> {
  let p = cache.get(entry);
  if (!p) {
    const outfile = join(mkdtempSync(join(tmpdir(), 'agentdeck-bundle-')), basename(entry).replace(/\.tsx?$/, '.mjs'));
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
