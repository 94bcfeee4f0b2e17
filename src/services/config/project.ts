// Everything a command needs to know about the project it runs in.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadEnv, type Credentials } from './env.js';
import { findProjectRoot } from './root.js';
import { CONFIG_FILE, parseConfig, type ProjectConfig } from './schema.js';
import { collectSecrets } from './secrets.js';

export interface Project {
  readonly root: string;
  /** `<root>/.agentdeck`: the state db, the outbox, backups. */
  readonly stateDir: string;
  readonly configPath: string;
  /** False when there is no `agentdeck.config.json` (defaults apply). */
  readonly configFound: boolean;
  readonly config: ProjectConfig;
  readonly env: Credentials;
  /** Secret values, longest first, for the event bus's redaction. */
  readonly secrets: readonly string[];
  /** Non-fatal problems (unreadable `.env` lines), one line each. */
  readonly warnings: readonly string[];
}

/** A configuration mistake: one line per problem in `lines`. */
export class ConfigError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigError';
  }
}

export function loadProject(cwd: string = process.cwd(), environment: NodeJS.ProcessEnv = process.env): Project {
  const root = findProjectRoot(cwd);
  const env = loadEnv(root, environment);
  const configPath = join(root, CONFIG_FILE);
  const { raw, found } = readConfigJson(configPath);
  const parsed = parseConfig(raw, basename(root) || 'project');
  if (!parsed.ok) throw new ConfigError(parsed.errors);
  const { credentials } = env;
  // Addresses from the environment take precedence over the file's email settings.
  const config: ProjectConfig =
    credentials.AGENTDECK_EMAIL_TO || credentials.AGENTDECK_EMAIL_FROM
      ? {
          ...parsed.config,
          email: {
            ...parsed.config.email,
            to: credentials.AGENTDECK_EMAIL_TO
              ? credentials.AGENTDECK_EMAIL_TO.split(',').map((s) => s.trim()).filter(Boolean)
              : parsed.config.email.to,
            from: credentials.AGENTDECK_EMAIL_FROM ?? parsed.config.email.from,
          },
        }
      : parsed.config;
  return {
    root,
    stateDir: join(root, '.agentdeck'),
    configPath,
    configFound: found,
    config,
    env: credentials,
    secrets: collectSecrets(env.all),
    warnings: env.warnings,
  };
}

function readConfigJson(path: string): { raw: unknown; found: boolean } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { raw: {}, found: false };
    throw new ConfigError([`${CONFIG_FILE}: cannot be read (${code ?? 'error'})`]);
  }
  try {
    return { raw: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown, found: true };
  } catch (err) {
    throw new ConfigError([`${CONFIG_FILE}: not valid JSON: ${(err as Error).message}`]);
  }
}
