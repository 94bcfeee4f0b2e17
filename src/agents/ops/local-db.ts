// The local database as Ops sees it: PGlite (a data directory) or a real Postgres server
// (DATABASE_URL), with what backups need from each.
export interface LocalDbBase {
  /** For lines and metadata: `PGlite (.agentdeck/pglite)` or the URL without its password. */
  readonly label: string;
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Runs one or more statements (no parameters, no rows). */
  exec(sql: string): Promise<void>;
  serverVersion(): Promise<string>;
  close(): Promise<void>;
}

export interface PgliteLocalDb extends LocalDbBase {
  readonly engine: 'pglite';
  readonly dataDir: string;
  /** The data directory as a tar.gz. */
  dumpDataDir(): Promise<Uint8Array>;
  /** Replaces the data directory with the archive's contents. */
  loadDataDir(archiveFile: string): Promise<void>;
}

export interface PostgresLocalDb extends LocalDbBase {
  readonly engine: 'postgres';
  readonly url: string;
}

export type LocalDb = PgliteLocalDb | PostgresLocalDb;
