// Logical backups of a Postgres server over a direct connection: pg_dump (custom format) when its
// major version is at least the server's, and pg_restore --clean in one transaction.
import pg from 'pg';
import { describeExit, runProcess, succeeded } from '../../services/exec/run.js';
import { CommandError } from '../types.js';
import { connectionEnv, findPgTool, type PgTool } from './pg-tools.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface ServerVersion {
  readonly num: number;
  readonly major: number;
  readonly text: string;
}

/** Schemas the Supabase platform manages; a dump of a linked project leaves them out. */
export const PLATFORM_SCHEMAS = [
  'auth', 'storage', 'realtime', '_realtime', 'supabase_functions', 'supabase_migrations', 'extensions', 'graphql',
  'graphql_public', 'pgsodium', 'pgsodium_masks', 'vault', 'net', 'cron', 'pgbouncer', '_analytics', 'pgtle',
];

export async function serverVersion(url: string): Promise<ServerVersion> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  try {
    await client.connect();
    const r = await client.query<{ server_version_num: string; server_version: string }>(
      "select current_setting('server_version_num') as server_version_num, current_setting('server_version') as server_version",
    );
    const num = Number(r.rows[0]?.server_version_num ?? 0);
    return { num, major: Math.floor(num / 10_000), text: r.rows[0]?.server_version ?? String(num) };
  } catch (error) {
    throw new CommandError('db_unreachable', `cannot connect to the database (${(error as Error).message.split('\n')[0]}); check the connection URL`, true);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A mark of the server's committed state: the next transaction id, when no transaction is in
 * flight. Every committed change (rows, schema) takes a transaction id, so an equal mark later
 * means nothing was committed in between, on any database of the server; reads, and the page
 * clean-ups they trigger, leave it alone. Null when a transaction is in flight or the mark cannot
 * be read (null never matches).
 */
export async function stateMark(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const r = await client.query<{ next: string; running: number }>(
      `select pg_snapshot_xmax(s)::text as next, (select count(*)::int from pg_snapshot_xip(s)) as running from pg_current_snapshot() s`,
    );
    const row = r.rows[0];
    return row && row.running === 0 ? `xid:${row.next}` : null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The pg tool, or a clear error when it is missing or older than the server. */
export async function toolFor(name: 'pg_dump' | 'pg_restore', server: ServerVersion, env: Env): Promise<PgTool> {
  const tool = await findPgTool(name, env);
  if (!tool) {
    throw new CommandError('pg_tool_missing', `${name} was not found: install the PostgreSQL ${server.major} client tools or set AGENTDECK_PG_BIN to their bin folder`);
  }
  if (tool.major < server.major) {
    throw new CommandError(
      'pg_tool_too_old',
      `${name} ${tool.major} cannot handle a PostgreSQL ${server.major} server (it must be ${server.major} or newer): install the PostgreSQL ${server.major} client tools or set AGENTDECK_PG_BIN to their bin folder`,
    );
  }
  return tool;
}

export interface DumpOptions {
  readonly env: Env;
  readonly excludeSchemas?: readonly string[];
  /** The schema without the rows (a dry run's copy of a remote target). */
  readonly schemaOnly?: boolean;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
}

export async function pgDump(url: string, file: string, options: DumpOptions): Promise<{ tool: PgTool; server: ServerVersion }> {
  const server = await serverVersion(url);
  const tool = await toolFor('pg_dump', server, options.env);
  const { dbname, env } = connectionEnv(url);
  const args = ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`];
  if (options.schemaOnly) args.push('--schema-only');
  for (const s of options.excludeSchemas ?? []) args.push(`--exclude-schema=${s}`);
  args.push(`--dbname=${dbname}`);
  const r = await runProcess(tool.path, args, { env, signal: options.signal, onLine: options.onLine ? (l) => options.onLine?.(l) : undefined });
  if (!succeeded(r)) throw new CommandError('pg_dump_failed', `pg_dump failed: ${lastLine(r.stderr) ?? describeExit(r)}`);
  return { tool, server };
}

export async function pgRestore(url: string, file: string, options: DumpOptions): Promise<{ tool: PgTool; server: ServerVersion }> {
  const server = await serverVersion(url);
  const tool = await toolFor('pg_restore', server, options.env);
  const { dbname, env } = connectionEnv(url);
  const args = ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${dbname}`, file];
  const r = await runProcess(tool.path, args, { env, signal: options.signal, onLine: options.onLine ? (l) => options.onLine?.(l) : undefined });
  if (!succeeded(r)) throw new CommandError('pg_restore_failed', `pg_restore failed (nothing was changed): ${lastLine(r.stderr) ?? describeExit(r)}`);
  return { tool, server };
}

function lastLine(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? null;
}
