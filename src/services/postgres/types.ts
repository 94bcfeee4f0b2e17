// The one query interface over every Postgres agentdeck talks to: the local PGlite (in a worker
// thread) and a real server through `pg`. Migrator and Ops only ever see these types.

export interface QueryResult<R = Record<string, unknown>> {
  readonly rows: R[];
  /** Rows returned by a SELECT or changed by INSERT/UPDATE/DELETE (the command tag's count). */
  readonly rowCount: number;
  /** The command tag's verb: SELECT, INSERT, CREATE... ('' when unknown). */
  readonly command: string;
  readonly fields: readonly { readonly name: string }[];
}

export interface QueryOptions {
  /**
   * A name under which a server prepares the statement once per connection and reuses its plan.
   * For statements run many times (a dry run's catalog snapshots): planning them costs more than
   * running them. Engines without prepared statements ignore it.
   */
  readonly prepare?: string;
}

/** What can run SQL: a database, or a transaction inside one. */
export interface DbExecutor {
  /** One statement, with `$1...` parameters. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
  /** A script of one or more statements without parameters; one result per statement. */
  exec(sql: string): Promise<QueryResult[]>;
}

export type DbKind = 'pglite' | 'pg';

export interface Db extends DbExecutor {
  readonly kind: DbKind;
  /** The target's name for locks and approvals: `local`, or `host:port/database` of a server. */
  readonly target: string;
  /** Runs `fn` in BEGIN ... COMMIT; ROLLBACK when it throws (the error is rethrown). */
  transaction<T>(fn: (tx: DbExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed: boolean;
}

export interface PgliteDb extends Db {
  readonly kind: 'pglite';
  /** The data dir on disk, or null for an in-memory (scratch) database. */
  readonly dataDir: string | null;
  /** A tarball (gzip) of the whole data dir, for backups; load it with `openPglite({ loadDataDir })`. */
  dumpDataDir(): Promise<Uint8Array>;
}

/** An error from Postgres with the fields both drivers report. */
export class DbError extends Error {
  constructor(
    message: string,
    /** SQLSTATE, e.g. 42P01 (undefined table). */
    readonly code: string | undefined,
    /** 1-based character offset into the statement, when Postgres names one. */
    readonly position: number | undefined,
    readonly detail?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'DbError';
  }
}

/** Another process holds the data dir's lock file. */
export class DbLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
    readonly holderCommand: string,
    readonly since: string,
  ) {
    super(
      `the local database ${dataDir} is in use by process ${holderPid}` +
        `${holderCommand ? ` (${holderCommand})` : ''} since ${since}; stop that process or wait for it to finish`,
    );
    this.name = 'DbLockedError';
  }
}
