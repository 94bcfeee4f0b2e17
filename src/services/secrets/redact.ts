// Secrets are redacted once, on the event bus (and by the audit and outbox writers), so they
// never reach the screen, logs, audit, emails or MCP output.

/** Token shapes redacted even when their value is not configured here. */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bsbp_[A-Za-z0-9]{16,}\b/g, // Supabase personal access tokens
  /\bsb_secret_[A-Za-z0-9_-]{16,}/g, // Supabase secret keys
  /\bre_[A-Za-z0-9_]{16,}\b/g, // Resend API keys
  /\bsk-ant-[A-Za-z0-9_-]{16,}/g, // Anthropic API keys
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs (service role keys)
];

/** The password part of a connection URL: postgres://user:PASSWORD@host. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+:)([^@/?#\s]+)(@)/gi;

export const REDACTED = '[redacted]';

export type Redactor = (text: string) => string;

/** Builds a redactor for the given secret values (short values are ignored: too many false hits). */
export function createRedactor(secretValues: readonly string[] = []): Redactor {
  const values = [...new Set(secretValues.filter((v) => typeof v === 'string' && v.length >= 6))].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    if (typeof text !== 'string' || text.length === 0) return text;
    let out = text;
    for (const v of values) {
      if (out.includes(v)) out = out.split(v).join(REDACTED);
    }
    for (const p of TOKEN_PATTERNS) out = out.replace(p, REDACTED);
    return out.replace(URL_PASSWORD, `$1${REDACTED}$3`);
  };
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}
