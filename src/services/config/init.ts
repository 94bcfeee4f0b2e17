// `agentdeck init`: a starter `agentdeck.config.json` and the ignore lines agentdeck needs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { findProjectRoot } from './root.js';
import { CONFIG_FILE, DEFAULT_APPROVAL_TTL_MINUTES, DEFAULT_CONCURRENCY } from './schema.js';
import { DEFAULT_APPROVAL_POLICY } from '../../commands/types.js';
import { OWN_DIRS } from '../exec/test-runner.js';

export const IGNORED_PATHS: readonly string[] = OWN_DIRS.map((d) => `${d}/`);

export interface InitResult {
  readonly ok: boolean;
  readonly root: string;
  /** One line per thing done or refused. */
  readonly lines: readonly string[];
}

export function starterConfig(name: string, packageScripts: Readonly<Record<string, string>>): object {
  return {
    name,
    test: packageScripts.test ? 'npm test' : null,
    build: packageScripts.build ? 'npm run build' : null,
    // Empty on purpose: one linked Supabase project would otherwise take staging pushes too.
    deploy: { staging: [], production: [] },
    approvals: {
      policy: { ...DEFAULT_APPROVAL_POLICY },
      ttlMinutes: DEFAULT_APPROVAL_TTL_MINUTES,
    },
    agents: { concurrency: { ...DEFAULT_CONCURRENCY } },
    email: { to: [], subjectPrefix: '[agentdeck]' },
  };
}

export function initProject(cwd: string, options: { force?: boolean } = {}): InitResult {
  const root = findProjectRoot(cwd);
  const lines: string[] = [];
  const configPath = join(root, CONFIG_FILE);
  if (existsSync(configPath) && !options.force) {
    return {
      ok: false,
      root,
      lines: [`${CONFIG_FILE} already exists in ${root}; run "agentdeck init --force" to overwrite it`],
    };
  }
  const pkg = readPackage(root);
  const config = starterConfig(packageName(pkg) ?? basename(root), packageScripts(pkg));
  writeFileSync(configPath, `${JSON.stringify(dropNulls(config), null, 2)}\n`);
  lines.push(`wrote ${configPath}`);
  lines.push('next: set deploy.staging and deploy.production to the commands that deploy each environment, e.g. [["npx", "supabase", "db", "push", "--db-url", "postgresql://..."]]');
  const added = ensureIgnored(root);
  lines.push(added.length ? `added ${added.join(', ')} to ${join(root, '.gitignore')}` : `.gitignore already ignores ${IGNORED_PATHS.join(', ')}`);
  if (existsSync(join(root, '.env')) && !ignoresDotenv(root)) {
    lines.push('warning: .env is not in .gitignore, and agentdeck reads credentials from it: add it before committing');
  }
  return { ok: true, root, lines };
}

function ignoresDotenv(root: string): boolean {
  const text = existsSync(join(root, '.gitignore')) ? readFileSync(join(root, '.gitignore'), 'utf8') : '';
  return text.split(/\r?\n/).some((l) => ['.env', '/.env', '.env*', '*.env', '.env.*'].includes(l.trim()));
}

/** Appends the missing entries of IGNORED_PATHS to `<root>/.gitignore`; returns those added. */
export function ensureIgnored(root: string): string[] {
  const path = join(root, '.gitignore');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const present = new Set(text.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '')));
  const missing = IGNORED_PATHS.filter((p) => !present.has(p) && !present.has(p.slice(0, -1)));
  if (missing.length === 0) return [];
  const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileSync(path, `${text}${prefix}# agentdeck\n${missing.join('\n')}\n`);
  return missing;
}

interface PackageJson {
  readonly name?: unknown;
  readonly scripts?: unknown;
}

function readPackage(root: string): PackageJson | null {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}

function packageName(pkg: PackageJson | null): string | null {
  const name = pkg?.name;
  return typeof name === 'string' && name ? name : null;
}

function packageScripts(pkg: PackageJson | null): Record<string, string> {
  const scripts = pkg?.scripts;
  return scripts && typeof scripts === 'object' ? (scripts as Record<string, string>) : {};
}

function dropNulls(o: object): object {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
}
