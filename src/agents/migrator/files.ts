// Migration files, named as the Supabase CLI names them:
//   supabase/migrations/<YYYYMMDDHHMMSS>_<slug>.sql        applied by agentdeck and by `supabase db push`
//   supabase/rollbacks/<YYYYMMDDHHMMSS>_<slug>.down.sql    its rollback; outside migrations/ so the
//                                                          Supabase CLI never applies it
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CommandError } from '../types.js';

export interface MigrationFile {
  /** The timestamp prefix: the version in supabase_migrations.schema_migrations. */
  readonly version: string;
  /** The part after the version, without `.sql`. */
  readonly name: string;
  /** `supabase/migrations/<version>_<name>.sql`, relative to the project root. */
  readonly file: string;
  readonly path: string;
  /** The rollback's path, when it exists. */
  readonly rollbackPath: string | null;
}

/** The migrations folder, relative to the project root. */
export const MIGRATIONS_DIR = 'supabase/migrations';

export function migrationsDir(root: string): string {
  return join(root, 'supabase', 'migrations');
}

export function rollbacksDir(root: string): string {
  return join(root, 'supabase', 'rollbacks');
}

const MIGRATION_FILE = /^(\d+)_(.*)\.sql$/;

/** The migrations in the order they apply (by version). */
export function listMigrations(root: string): MigrationFile[] {
  const dir = migrationsDir(root);
  if (!existsSync(dir)) return [];
  const out: MigrationFile[] = [];
  for (const entry of readdirSync(dir)) {
    const m = MIGRATION_FILE.exec(entry);
    if (!m) continue;
    const path = join(dir, entry);
    const rollback = join(rollbacksDir(root), `${m[1]}_${m[2]}.down.sql`);
    out.push({ version: m[1]!, name: m[2]!, file: relative(root, path), path, rollbackPath: existsSync(rollback) ? rollback : null });
  }
  return out.sort((a, b) => (a.version === b.version ? a.name.localeCompare(b.name) : a.version.localeCompare(b.version)));
}

export function readSql(path: string): string {
  return readFileSync(path, 'utf8');
}

/** `YYYYMMDDHHMMSS` in UTC. */
export function versionAt(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** A file-name slug: lowercase words joined by `_`, at most 60 characters. */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60)
    .replace(/_+$/, '');
  return slug || 'migration';
}

export interface WrittenMigration {
  readonly version: string;
  readonly file: string;
  readonly rollbackFile: string;
  readonly path: string;
  readonly rollbackPath: string;
}

/** What to do when the slug is taken: refuse (a name the user or model chose) or number it (a derived name). */
export type SlugTaken = 'refuse' | 'number';

/** The slug for `name`, unique among the existing migrations (`_2`, `_3`... when numbering). */
export function uniqueSlug(existing: readonly MigrationFile[], name: string, onTaken: SlugTaken): string {
  const base = slugify(name);
  const taken = new Set(existing.map((m) => m.name));
  if (!taken.has(base)) return base;
  if (onTaken === 'refuse') {
    const file = existing.find((m) => m.name === base)?.file ?? base;
    throw new CommandError('migration_exists', `a migration named ${base} already exists (${file}): edit that one, or give this one another name`);
  }
  let n = 2;
  while (taken.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

/**
 * Writes a migration and its rollback. The version is `now` (bumped by a second while it is not
 * after the newest existing one, so files keep their order); files are never overwritten, and
 * no two migrations share a slug.
 */
export function writeMigration(root: string, name: string, up: string, down: string, now = new Date(), onTaken: SlugTaken = 'refuse'): WrittenMigration {
  const all = listMigrations(root);
  const slug = uniqueSlug(all, name, onTaken);
  const existing = all.map((m) => m.version);
  const newest = existing.at(-1);
  let at = now;
  let version = versionAt(at);
  while (newest && version.length === newest.length && version <= newest) {
    at = new Date(at.getTime() + 1000);
    version = versionAt(at);
  }
  mkdirSync(migrationsDir(root), { recursive: true });
  mkdirSync(rollbacksDir(root), { recursive: true });
  const path = join(migrationsDir(root), `${version}_${slug}.sql`);
  const rollbackPath = join(rollbacksDir(root), `${version}_${slug}.down.sql`);
  writeFileSync(path, up, { flag: 'wx' });
  writeFileSync(rollbackPath, down, { flag: 'wx' });
  return { version, file: relative(root, path), rollbackFile: relative(root, rollbackPath), path, rollbackPath };
}
