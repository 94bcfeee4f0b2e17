// Which values must never be shown or stored: the event bus, health reasons and the state db redact these.
import type { NamedSecret } from '../secrets/redact.js';

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
  return [...new Set(collectNamedSecrets(vars).map((s) => s.value))].sort((a, b) => b.length - a.length);
}

/**
 * The same secrets with the variable each came from: a value is stored as `[secret:NAME]` and a
 * URL's password as `[secret:NAME.password]`, so a resumed run can take them from the environment
 * again. Names are visited in sorted order, so one value always gets the same name.
 */
export function collectNamedSecrets(vars: Readonly<Record<string, string>>): NamedSecret[] {
  const out = new Map<string, string>();
  const add = (name: string, v: string | undefined): void => {
    if (v && v.length >= MIN_LENGTH && !out.has(v)) out.set(v, name);
  };
  for (const name of Object.keys(vars).sort()) {
    const value = (vars[name] ?? '').trim();
    if (!value) continue;
    if (SECRET_NAME.test(name) || URL_NAME.test(name)) add(name, value);
    const password = urlPassword(value);
    if (password !== null) {
      add(name, value);
      add(`${name}.password`, password);
      add(`${name}.password`, safeDecode(password));
    }
  }
  return [...out].map(([value, name]) => ({ name, value })).sort((a, b) => b.value.length - a.value.length);
}

/** The value a placeholder name stands for now (`NAME` or `NAME.password`), if it is set. */
export function secretValue(vars: Readonly<Record<string, string>>, name: string): string | undefined {
  const password = name.endsWith('.password');
  const value = vars[password ? name.slice(0, -'.password'.length) : name]?.trim();
  if (!value) return undefined;
  return password ? (urlPassword(value) ?? undefined) : value;
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
