// The target project's conventions, read from its files: router, folders, test runner, imports.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    // tsconfig may have comments and trailing commas.
    const text = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1').replace(/,(\s*[}\]])/g, '$1');
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function detectConventions(dir: string, configuredTest?: readonly string[] | null): Conventions {
  const has = (p: string): boolean => existsSync(join(dir, p));
  const appDir = has('app') ? 'app' : has('src/app') ? 'src/app' : null;
  const pagesApiDir = has('pages/api') ? 'pages/api' : has('src/pages/api') ? 'src/pages/api' : null;
  const componentsDir = has('components') ? 'components' : has('src/components') ? 'src/components' : appDir ? 'components' : 'src/components';
  const runner = detectTestRunner(dir, configuredTest)?.kind ?? null;
  const tsconfig = readJson(join(dir, 'tsconfig.json'));
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
  };
}
