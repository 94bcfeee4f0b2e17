// The one Supabase bootstrap: what a Supabase project's database has before its first migration,
// applied to every local database agentdeck creates (the local target, dry-run scratch copies,
// scan shadows) on whichever engine serves it. Idempotent, so an older local database is brought
// up to date in place. Names and meanings follow the Supabase Postgres image; tables keep the
// columns migrations and policies commonly reference.
import type { DbExecutor } from './types.js';

/** Bumped whenever BOOTSTRAP_SQL changes; a database marked older is upgraded in place. */
export const BOOTSTRAP_VERSION = 1;
const MARK = `agentdeck supabase bootstrap v${BOOTSTRAP_VERSION}`;

/** Schemas the bootstrap creates (the platform's, never part of the app's own schema). */
export const BOOTSTRAP_SCHEMAS = ['auth', 'extensions', 'storage', 'supabase_migrations'];

/** The migration history table, as the Supabase CLI creates it. */
export const HISTORY_DDL = `create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text;`;

export const BOOTSTRAP_SQL = `
do $$
declare r record;
begin
  -- Roles are shared by every database of a server: two bootstraps at once may both try one.
  for r in select * from (values
    ('anon', 'nologin noinherit'),
    ('authenticated', 'nologin noinherit'),
    ('service_role', 'nologin noinherit bypassrls'),
    ('authenticator', 'login noinherit'),
    ('supabase_admin', 'login createrole createdb replication bypassrls'),
    ('supabase_auth_admin', 'login noinherit createrole'),
    ('supabase_storage_admin', 'login noinherit createrole'),
    ('dashboard_user', 'nologin createrole createdb replication')) as t(name, options)
  loop
    if not exists (select from pg_roles where rolname = r.name) then
      begin
        execute format('create role %I %s', r.name, r.options);
      exception when duplicate_object or unique_violation then null;
      end;
    end if;
  end loop;
end $$;
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to supabase_admin;

create schema if not exists extensions;
create schema if not exists auth;
create schema if not exists storage;
grant usage on schema public, extensions, auth, storage to anon, authenticated, service_role;
grant all on schema auth to supabase_auth_admin;
grant all on schema storage to supabase_storage_admin;
do $$ begin
  -- What the engine can load; the rest is named when a migration asks for it.
  begin create extension if not exists "uuid-ossp" with schema extensions; exception when others then null; end;
  begin create extension if not exists pgcrypto with schema extensions; exception when others then null; end;
end $$;

create table if not exists auth.users (
  instance_id uuid,
  id uuid not null primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  banned_until timestamptz,
  deleted_at timestamptz,
  is_sso_user boolean not null default false,
  is_anonymous boolean not null default false
);
alter table auth.users enable row level security;
grant all on auth.users to supabase_auth_admin;

-- As Supabase defines them: the single-claim settings first (older PostgREST), then the claims object.
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;
create or replace function auth.email() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to anon, authenticated, service_role;

create table if not exists storage.buckets (
  id text not null primary key,
  name text not null unique,
  owner uuid,
  owner_id text,
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
create table if not exists storage.objects (
  id uuid not null primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  user_metadata jsonb
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role, supabase_storage_admin;

create or replace function storage.foldername(name text) returns text[] language plpgsql immutable as $$
declare _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
end $$;
create or replace function storage.filename(name text) returns text language plpgsql immutable as $$
declare _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
end $$;
create or replace function storage.extension(name text) returns text language plpgsql immutable as $$
declare _filename text;
begin
  select storage.filename(name) into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
end $$;

${HISTORY_DDL}

-- Since the 2026 Data API rule, tables in public get no grants by default (migrations grant
-- explicitly); sequences and functions keep Supabase's default privileges.
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant execute on functions to anon, authenticated, service_role;

do $$ begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
exception when others then null; -- an engine without publications: named if a migration uses it
end $$;

comment on schema auth is '${MARK}';
`;

/** The bootstrap version a database carries (0: none, or made before versions were marked). */
export async function bootstrapVersion(db: DbExecutor): Promise<number> {
  const { rows } = await db.query<{ mark: string | null }>(
    `select obj_description(n.oid, 'pg_namespace') as mark from pg_namespace n where n.nspname = 'auth'`,
  );
  const m = /agentdeck supabase bootstrap v(\d+)/.exec(rows[0]?.mark ?? '');
  return m ? Number(m[1]) : 0;
}

/** Applies the bootstrap (in one transaction where the executor is a database). */
export async function applyBootstrap(db: DbExecutor): Promise<void> {
  await db.exec(BOOTSTRAP_SQL);
}

/** Supabase schemas and the extensions behind them, for naming what the local engine lacks. */
export const PLATFORM_EXTENSIONS: Readonly<Record<string, string>> = {
  net: 'pg_net',
  cron: 'pg_cron',
  vault: 'supabase_vault',
  pgsodium: 'pgsodium',
  graphql: 'pg_graphql',
  pgmq: 'pgmq',
  realtime: 'realtime',
};

/**
 * When an error means a migration needs something the local engine cannot provide (an extension,
 * or a schema only a Supabase extension creates), the extension's name; else null.
 */
export function missingPlatformFeature(message: string): string | null {
  const ext = /extension "([^"]+)" (?:is not available|does not exist)|could not open extension control file "[^"]*\/([^"/]+)\.control"/.exec(message);
  if (ext) return ext[1] ?? ext[2] ?? null;
  const schema = /schema "([^"]+)" does not exist/.exec(message);
  if (schema?.[1] && PLATFORM_EXTENSIONS[schema[1]]) return PLATFORM_EXTENSIONS[schema[1]]!;
  return null;
}

/** The message for a statement that needs what the local engine lacks (shown after `file:line: `). */
export function platformFeatureLine(extension: string): string {
  return (
    `needs the extension ${extension}, which the local database cannot provide; ` +
    `point agentdeck at a full Supabase database with SUPABASE_DB_URL (for example the URL "supabase start" prints)`
  );
}
