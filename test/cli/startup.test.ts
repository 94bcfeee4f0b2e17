// What the dashboard loads before its first frame, read from the built bundle: the engine, the
// command registry and zod's full namespace wait until after it, Ink measures text with the fast
// string width, and Ink's layout engine starts without Node's HTTP client.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, expect, test } from 'vitest';
import { buildIfStale, REPO } from '../helpers/binary.js';

interface Meta {
  readonly outputs: Record<string, { readonly entryPoint?: string; readonly imports: readonly { path: string; kind: string }[]; readonly inputs: Record<string, unknown> }>;
}

let meta: Meta;
beforeAll(() => {
  buildIfStale();
  meta = JSON.parse(readFileSync(join(REPO, 'dist', 'meta.json'), 'utf8')) as Meta;
}, 120_000);

const chunkOf = (entryPoint: string): string => {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === entryPoint);
  if (!found) throw new Error(`no chunk for ${entryPoint}`);
  return found[0];
};

/** The source files a chunk runs when it loads: its own and its static imports', transitively. */
function loadedWith(chunks: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const inputs = new Set<string>();
  const visit = (out: string): void => {
    if (seen.has(out)) return;
    seen.add(out);
    const o = meta.outputs[out];
    if (!o) return;
    for (const input of Object.keys(o.inputs)) inputs.add(input);
    for (const i of o.imports) if (i.kind === 'import-statement') visit(i.path);
  };
  for (const c of chunks) visit(c);
  return inputs;
}

test('the first frame loads neither the engine nor the command registry, and only the parts of zod it uses', () => {
  const first = loadedWith(['dist/cli.js', chunkOf('src/cli/console.ts'), chunkOf('src/ui/index.tsx')]);
  // What the frame is drawn from is there.
  expect(first).toContain('src/store/hydrate.ts');
  expect(first).toContain('src/services/state/db.ts');
  expect(first).toContain('src/ui/App.tsx');
  // Ink measures text with the fast string width (scripts/build.mjs points string-width there).
  expect(first).toContain('src/ui/format/string-width.ts');
  // What loads after it is not.
  for (const later of ['src/agents/orchestrator/engine.ts', 'src/commands/registry.ts', 'src/cli/session.ts', 'src/services/health/run.ts']) expect(first).not.toContain(later);
  // zod's messages in English only (`import { z }` would bring every language).
  expect([...first].filter((f) => f.includes('zod/v4/locales/') && !f.endsWith('/en.js'))).toEqual([]);
  // ...and it is what the registry chunk brings in.
  expect(loadedWith([chunkOf('src/ui/commands.ts')])).toContain('src/commands/registry.ts');
});

test('the dashboard chunk loads Ink and its layout engine without loading the HTTP client', () => {
  const ui = pathToFileURL(join(REPO, chunkOf('src/ui/index.tsx'))).href;
  const script = `await import(${JSON.stringify(ui)}); console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  expect(JSON.parse(out.trim().split('\n').pop() ?? 'null')).toEqual([]);
});
