// Bundles the CLI into dist/ with esbuild. Start-up time is a product feature: Ink, React and our
// code are bundled (about half the start-up cost of loading them from node_modules) and split
// into chunks at each dynamic import, so a verb or the dashboard's first frame loads only what it
// uses (dist/meta.json lists what each chunk holds); heavy or asset-carrying packages stay
// external and load lazily only when a command needs them.
//   node scripts/build.mjs             build
//   node scripts/build.mjs --if-stale  build only when a source is newer than dist/cli.js
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync, rmSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'cli.js');

// Packages that ship WASM/asset files next to their code, spawn their own files, or are large
// and needed by few commands: resolved from node_modules at run time.
const EXTERNAL = [
  '@electric-sql/pglite',
  'libpg-query',
  '@anthropic-ai/claude-agent-sdk',
  '@modelcontextprotocol/sdk',
  '@supabase/supabase-js',
  'resend',
  'pg',
  'openapi-fetch',
  'typescript',
  'esbuild',
];

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function isStale() {
  if (!existsSync(out)) return true;
  const built = statSync(out).mtimeMs;
  const inputs = [join(root, 'src'), join(root, 'package.json'), fileURLToPath(import.meta.url)];
  return inputs.some((p) => existsSync(p) && newestMtime(p) > built);
}

const emptyDevtools = {
  name: 'empty-devtools',
  setup(b) {
    // Ink imports react-devtools-core only in development; never ship or load it.
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {}; export const connectToDevTools = () => {};', loader: 'js' }));
  },
};

// Yoga's loader (emscripten) reads its own inline base64 wasm with fetch() of a data: URL when
// fetch exists. In Node that loads the whole HTTP client (undici, about 25 ms of start-up) just to
// decode a string before the first frame. Without fetch the loader decodes the string itself,
// which is the path it takes wherever fetch is missing; the wasm is compiled the same way after.
const YOGA_LOADER = /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
export const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: YOGA_LOADER }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const uses = source.split('typeof fetch').length - 1;
      if (uses === 0) return { contents: source, loader: 'js', warnings: [{ text: 'yoga-without-fetch: the yoga loader no longer tests "typeof fetch"; the patch is a no-op' }] };
      return { contents: source.replaceAll('typeof fetch', 'typeof undefined'), loader: 'js' };
    });
  },
};

// Ink and its text helpers import string-width; they get src/ui/format/string-width.ts instead,
// which answers the common case (one-column characters only) at once and passes the rest on.
const STRING_WIDTH = join(root, 'src', 'ui', 'format', 'string-width.ts');
export const fastStringWidth = {
  name: 'fast-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) => (args.importer === STRING_WIDTH ? undefined : { path: STRING_WIDTH }));
  },
};

export async function bundle() {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const { metafile } = await build({
    entryPoints: [join(root, 'src', 'cli.ts')],
    outdir: join(root, 'dist'),
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    sourcemap: 'linked',
    minifySyntax: true,
    external: EXTERNAL,
    plugins: [emptyDevtools, yogaWithoutFetch, fastStringWidth],
    define: { 'process.env.NODE_ENV': '"production"' },
    // Bundled CommonJS (react, yoga) needs require() in ESM output.
    banner: { js: "import { createRequire as __agentdeckRequire } from 'node:module'; const require = __agentdeckRequire(import.meta.url);" },
    logLevel: 'warning',
    metafile: true,
  });
  // What each chunk holds and imports (tests check what the first frame loads).
  writeFileSync(join(root, 'dist', 'meta.json'), JSON.stringify(metafile));
  // The PGlite worker runs as its own file (a worker thread), so it ships beside the bundle.
  copyFileSync(join(root, 'src', 'services', 'postgres', 'pglite-worker.mjs'), join(root, 'dist', 'pglite-worker.mjs'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!process.argv.includes('--if-stale') || isStale()) await bundle();
}
