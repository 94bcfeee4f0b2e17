// Secrets are redacted on the event bus (what the screen, logs, MCP output and emails see) and,
// for everything at rest, by the state db itself: every text parameter of every write statement
// passes its redactor (services/state/db.ts), so no writer can forget.

/** Token shapes redacted even when their value is not configured here. */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bsbp_[A-Za-z0-9]{16,}\b/g, // Supabase personal access tokens
  /\bsb_secret_[A-Za-z0-9_-]{16,}/g, // Supabase secret keys
  /\bre_[A-Za-z0-9_]{16,}\b/g, // Resend API keys
  /\bsk-ant-[A-Za-z0-9_-]{16,}/g, // Anthropic API keys
  /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}/g, // other `sk-` API keys
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs (service role keys)
];

/** The credential of an `Authorization` header (any scheme), as provider errors echo it. */
const AUTH_HEADER = /\b(Authorization["']?\s*[:=]\s*["']?(?:Basic|Bearer|Token)?\s*)(?!\[)[^\s"',;]{8,}/gi;
/** A bearer token anywhere (one with a digit: "Bearer authentication" is prose). */
const BEARER = /\b(Bearer\s+)(?!\[)(?=[A-Za-z._~+/-]*\d)[A-Za-z0-9._~+/-]{8,}=*/gi;

/** The password part of a connection URL: postgres://user:PASSWORD@host. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+:)(?!\[)([^@/?#\s]+)(@)/gi;

/** A cheap first look: text without any of these cannot hold a token shape. */
const TOKEN_HINT = /sbp_|sb_secret_|re_|sk-|eyJ|bearer|authorization|:\/\//i;

export const REDACTED = '[redacted]';

export type Redactor = (text: string) => string;

/** A configured secret with the name of the variable it came from. */
export interface NamedSecret {
  readonly name: string;
  readonly value: string;
}

/** What a named secret is stored as: `[secret:RESEND_API_KEY]` (a resumed run takes the value again). */
export function placeholder(name: string): string {
  return `[secret:${name}]`;
}

/** Placeholders as they appear in stored text (names as the redactor writes them). */
export const PLACEHOLDER = /\[secret:([A-Za-z_][A-Za-z0-9_.-]*)\]/g;

/** Shorter values would redact ordinary words all over the logs. */
export const MIN_SECRET_LENGTH = 6;

interface Replacement {
  readonly value: string;
  readonly by: string;
}

function replacements(secrets: readonly (string | NamedSecret)[]): Replacement[] {
  const out = new Map<string, string>();
  const add = (value: string, by: string): void => {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || out.has(value)) return;
    out.set(value, by);
    // The same value inside JSON text (args_json, data_json): quotes and backslashes escaped.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value && !out.has(escaped)) out.set(escaped, by);
  };
  for (const s of secrets) {
    if (typeof s === 'string') add(s, REDACTED);
    else if (s && typeof s.value === 'string') add(s.value, placeholder(s.name));
  }
  // Longest first, so that a value containing another is replaced whole.
  return [...out].map(([value, by]) => ({ value, by })).sort((a, b) => b.value.length - a.value.length);
}

/**
 * Builds a redactor. Plain values become `[redacted]`; named ones their placeholder, so a stored
 * command line says which variable it needs. Token shapes, bearer credentials and URL passwords
 * are redacted whether configured or not. Redacting redacted text changes nothing.
 */
export function createRedactor(secretValues: readonly (string | NamedSecret)[] = []): Redactor {
  const values = replacements(secretValues);
  return (text: string): string => {
    if (typeof text !== 'string' || text.length < MIN_SECRET_LENGTH) return text;
    let out = text;
    for (const { value, by } of values) {
      if (out.includes(value)) out = out.split(value).join(by);
    }
    if (!TOKEN_HINT.test(out)) return out;
    for (const p of TOKEN_PATTERNS) out = out.replace(p, REDACTED);
    return out.replace(AUTH_HEADER, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`).replace(URL_PASSWORD, `$1${REDACTED}$3`);
  };
}

/** The names of the secrets whose values occur in `text` (the placeholders its redaction writes). */
export function secretNamesIn(text: string, secrets: readonly NamedSecret[]): string[] {
  const names = new Set<string>();
  for (const s of replacements(secrets)) {
    if (!text.includes(s.value)) continue;
    const m = /^\[secret:(.+)\]$/.exec(s.by);
    if (m?.[1]) names.add(m[1]);
  }
  return [...names].sort();
}

/**
 * Puts the values back into the placeholders of `names` (and only those: a placeholder typed
 * literally must never turn into a secret). Returns the names that have no value now.
 */
export function expandPlaceholders<T>(value: T, names: readonly string[], valueOf: (name: string) => string | undefined): { value: T; missing: string[] } {
  const allowed = new Set(names);
  const missing = new Set<string>();
  const expand = (text: string): string =>
    text.replace(PLACEHOLDER, (whole, name: string) => {
      if (!allowed.has(name)) return whole;
      const v = valueOf(name);
      if (v === undefined) {
        missing.add(name);
        return whole;
      }
      return v;
    });
  return { value: mapStrings(value, expand), missing: [...missing].sort() };
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  return mapStrings(value, redact);
}

function mapStrings<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = mapStrings(v, fn);
    return out as T;
  }
  return value;
}

/**
 * Cuts text to `max` characters with an ellipsis, redacting first: a token cut in half could not
 * be recognised any more (`sk-ant-ABCD…`). Every place that shortens text for display uses this.
 */
export function clipRedacted(text: string, max: number, redact: Redactor = defaultRedactor, ellipsis = '…'): string {
  const clean = redact(text);
  return clean.length > max ? `${clean.slice(0, Math.max(0, max - ellipsis.length))}${ellipsis}` : clean;
}

/** Token shapes only (no configured values): for places that have no project at hand. */
export const defaultRedactor: Redactor = createRedactor();
