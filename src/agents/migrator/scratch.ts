// The scratch Postgres for dry runs: a fresh in-memory PGlite (in its worker) with the few
// Supabase objects that app migrations commonly reference (roles, auth.users, auth.uid()).
import { openPglite } from '../../services/postgres/pglite.js';
import type { PgliteDb } from '../../services/postgres/types.js';

/** Schemas of this stand-in, left out of schema comparisons. */
export const SHIM_SCHEMAS = ['auth', 'extensions', 'storage'];

export const SUPABASE_SHIM = `
do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin bypassrls; end if;
end $$;
create schema if not exists extensions;
create schema if not exists storage;
create schema if not exists auth;
create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  email text,
  raw_user_meta_data jsonb,
  created_at timestamptz default now()
);
create or replace function auth.uid() returns uuid language sql stable as
  $$ select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
create or replace function auth.role() returns text language sql stable as
  $$ select nullif(current_setting('request.jwt.claim.role', true), '')::text $$;
create or replace function auth.jwt() returns jsonb language sql stable as
  $$ select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb $$;
`;

export async function openScratch(): Promise<PgliteDb> {
  const db = openPglite({ target: 'scratch' });
  try {
    await db.exec(SUPABASE_SHIM);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
