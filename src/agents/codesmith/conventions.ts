// The target project's conventions, read from its files: router, folders, test runner, imports.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { detectTestRunner, type RunnerKind } from '../../services/exec/test-runner.js';

export interface Conventions {
  /** Folder of a Next.js app router (`app` or `src/app`), or null. */
  readonly appDir: string | null;
  /** Folder of a pages router API (`pages/api`), used when there is no app router. */
  readonly pagesApiDir: string | null;
  readonly componentsDir: string;
  readonly mcpToolsDir: string;
  readonly runner: RunnerKind | null;
  /** Relative imports carry `.ts` (projects run by `node --test` with type stripping) or nothing. */
  readonly importExt: '.ts' | '.js' | '';
  /** `@/` maps to the project root (tsconfig paths). */
  readonly rootAlias: boolean;
  /** The folder `@/*` maps to (`''` for the root, `src/`), or null without the alias. */
  readonly aliasRoot: string | null;
  /** The test runner loads .tsx files (JSX): vitest, or jest with a TypeScript transform. */
  readonly loadsTsx: boolean;
  /** The app's server-side Supabase client helper, when it has one. */
  readonly supabaseHelper: SupabaseHelper | null;
}

export interface SupabaseHelper {
  /** Path of the helper in the project (`lib/supabase/server.ts`). */
  readonly file: string;
  /** The function that makes the client (`createClient`). */
  readonly exportName: string;
  /** How the app imports it (`@/lib/supabase/server`), or null when only a relative import works. */
  readonly aliasImport: string | null;
}

/** Where Supabase's Next.js guides and create-next-app projects keep the server helper. */
export const SUPABASE_HELPER_FILES = ['lib/supabase/server.ts', 'src/lib/supabase/server.ts', 'utils/supabase/server.ts', 'src/utils/supabase/server.ts'] as const;

function supabaseHelper(dir: string, aliasRoot: string | null): SupabaseHelper | null {
  for (const file of SUPABASE_HELPER_FILES) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      continue;
    }
    const names = [...text.matchAll(/export\s+(?:async\s+)?function\s+([A-Za-z_$][\w$]*)|export\s+const\s+([A-Za-z_$][\w$]*)\s*=/g)].map((m) => m[1] ?? m[2] ?? '');
    const exportName = names.find((n) => /^create\w*Client$/.test(n)) ?? names[0];
    if (!exportName) continue;
    const module = file.replace(/\.ts$/, '');
    const aliasImport = aliasRoot !== null && module.startsWith(aliasRoot) ? `@/${module.slice(aliasRoot.length)}` : null;
    return { file, exportName, aliasImport };
  }
  return null;
}

function readText(dir: string, file: string): string {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return '';
  }
}

/**
 * Vitest loads a `.test.tsx` when its config transforms JSX (the React plugin or a `jsx` option:
 * Next's `jsx: "preserve"` leaves JSX unparsed) and its `include` globs, when given, take .tsx.
 */
function vitestLoadsTsx(dir: string): boolean {
  const config = ['vitest.config.ts', 'vitest.config.mts', 'vitest.config.js', 'vitest.config.mjs', 'vite.config.ts', 'vite.config.js'].map((f) => readText(dir, f)).find((t) => t !== '') ?? '';
  if (!/plugin-react|\bjsx\s*:/.test(config)) return false;
  const include = /\binclude\s*:\s*\[([^\]]*)\]/.exec(config)?.[1];
  return include === undefined || /tsx|\.\*['"`]|\{[^}]*x[^}]*\}|\*\*\/\*['"`]/.test(include);
}

/** Jest loads TSX only through a transform: ts-jest, @swc/jest, next/jest or babel's TypeScript preset. */
function jestTransformsTsx(dir: string): boolean {
  const texts = ['jest.config.js', 'jest.config.ts', 'jest.config.mjs', 'jest.config.cjs', 'package.json', 'babel.config.js', '.babelrc'].map((f) => readText(dir, f));
  return texts.some((t) => /ts-jest|@swc\/jest|next\/jest|@babel\/preset-typescript/.test(t));
}

/** `./*` -> `''`, `./src/*` -> `src/`; null when `@/*` is not mapped to one folder of the project. */
function aliasRootOf(paths: Record<string, unknown>): string | null {
  const target = (paths['@/*'] as unknown[] | undefined)?.[0];
  if (typeof target !== 'string' || !target.endsWith('*')) return null;
  const folder = target.slice(0, -1).replace(/^\.\//, '');
  return folder === '' || folder.endsWith('/') ? folder : null;
}

/** tsconfig.json as TypeScript reads it: comments and trailing commas allowed. */
function readTsconfig(path: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  // TypeScript's own reader: a hand-made comment stripper takes `"@/*"` and `"**/*.ts"` for a comment.
  const parsed = ts.parseConfigFileTextToJson(path, text);
  return parsed.error ? null : (parsed.config as Record<string, unknown>);
}

export function detectConventions(dir: string, configuredTest?: readonly string[] | null): Conventions {
  const has = (p: string): boolean => existsSync(join(dir, p));
  const appDir = has('app') ? 'app' : has('src/app') ? 'src/app' : null;
  const pagesApiDir = has('pages/api') ? 'pages/api' : has('src/pages/api') ? 'src/pages/api' : null;
  const componentsDir = has('components') ? 'components' : has('src/components') ? 'src/components' : appDir ? 'components' : 'src/components';
  const runner = detectTestRunner(dir, configuredTest)?.kind ?? null;
  const tsconfig = readTsconfig(join(dir, 'tsconfig.json'));
  const options = (tsconfig?.compilerOptions ?? {}) as Record<string, unknown>;
  const paths = (options.paths ?? {}) as Record<string, unknown>;
  const importExt = runner === 'node' || options.allowImportingTsExtensions === true ? '.ts' : String(options.moduleResolution ?? '').toLowerCase().startsWith('node') ? '.js' : '';
  return {
    appDir,
    pagesApiDir,
    componentsDir,
    mcpToolsDir: 'supabase/functions/mcp-server/tools',
    runner,
    importExt,
    rootAlias: '@/*' in paths,
    aliasRoot: aliasRootOf(paths),
    loadsTsx: runner === 'vitest' ? vitestLoadsTsx(dir) : runner === 'jest' && jestTransformsTsx(dir),
    supabaseHelper: supabaseHelper(dir, aliasRootOf(paths)),
  };
}
