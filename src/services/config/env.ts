// Credentials come from the environment and from `<root>/.env`; the environment wins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDotenv } from './dotenv.js';

export const CREDENTIAL_KEYS = [
  'SUPABASE_URL',
  'SUPABASE_SERVICE_ROLE_KEY',
  'SUPABASE_ACCESS_TOKEN',
  'SUPABASE_PROJECT_REF',
  'SUPABASE_DB_URL',
  'DATABASE_URL',
  'SUPABASE_API_URL',
  'RESEND_API_KEY',
  'RESEND_BASE_URL',
  'ANTHROPIC_API_KEY',
  'AGENTDECK_EMAIL_TO',
  'AGENTDECK_EMAIL_FROM',
] as const;
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

/** The configured credentials; a key is absent when it is unset or empty. */
export type Credentials = Partial<Record<CredentialKey, string>>;

export interface LoadedEnv {
  readonly credentials: Credentials;
  /** Every variable seen (the `.env` file's, overlaid by the environment's), for secret scanning. */
  readonly all: Readonly<Record<string, string>>;
  readonly dotenvFound: boolean;
  readonly warnings: readonly string[];
}

export function loadEnv(root: string, environment: NodeJS.ProcessEnv = process.env): LoadedEnv {
  let text: string | null = null;
  try {
    text = readFileSync(join(root, '.env'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      return fromValues({}, environment, false, [`.env: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
  }
  if (text === null) return fromValues({}, environment, false, []);
  const parsed = parseDotenv(text);
  return fromValues(parsed.values, environment, true, parsed.warnings);
}

function fromValues(
  dotenv: Record<string, string>,
  environment: NodeJS.ProcessEnv,
  dotenvFound: boolean,
  warnings: string[],
): LoadedEnv {
  const all: Record<string, string> = { ...dotenv };
  for (const [k, v] of Object.entries(environment)) if (v !== undefined) all[k] = v;
  const credentials: Credentials = {};
  for (const key of CREDENTIAL_KEYS) {
    const v = all[key]?.trim();
    if (v) credentials[key] = v;
  }
  return { credentials, all, dotenvFound, warnings };
}
