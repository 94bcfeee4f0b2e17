// Which values must never be shown: the lead's event bus (and health reasons) redact these.

/** Variable names whose values are secrets outright. */
const SECRET_NAME = /(_KEY|_TOKEN|_SECRET|_PASSWORD|_PASS|_PWD|^PGPASSWORD)$/;
/** Variable names that hold connection strings; the whole value and its password are secret. */
const URL_NAME = /(_DB_URL|^DATABASE_URL|_DATABASE_URL|_CONNECTION_STRING|_DSN)$/;
/** Shorter values would redact ordinary words all over the logs. */
const MIN_LENGTH = 6;

/**
 * The secret values in a set of variables, longest first (so that a value containing another
 * is replaced whole). Passwords inside any URL-valued variable are included too.
 */
export function collectSecrets(vars: Readonly<Record<string, string>>): string[] {
  const out = new Set<string>();
  const add = (v: string | undefined): void => {
    if (v && v.length >= MIN_LENGTH) out.add(v);
  };
  for (const [name, raw] of Object.entries(vars)) {
    const value = raw.trim();
    if (!value) continue;
    if (SECRET_NAME.test(name) || URL_NAME.test(name)) add(value);
    const password = urlPassword(value);
    if (password !== null) {
      add(value);
      add(password);
      add(safeDecode(password));
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** The password of a `scheme://user:password@host` URL, as written (still percent-encoded). */
export function urlPassword(value: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:([^@/?#\s]+)@/i.exec(value);
  return m?.[1] ?? null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
