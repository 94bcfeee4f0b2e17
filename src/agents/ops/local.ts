// Backups of the local database: checksummed archives under `.agentdeck/backups/` with a row in
// the state db's `backups` table. A PGlite database is archived as its data directory (tar.gz);
// a real Postgres server (DATABASE_URL) with pg_dump's custom format. Restores verify the
// checksum and take a safety backup of the current data first.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { forgetBootstrapMark } from '../../services/postgres/local-server.js';
import type { StateDb } from '../../services/state/db.js';
import { CommandError } from '../types.js';
import { archivePath, ensureBackupsDir, fileSize, removeArchive, sha256File, verifyArchive, writeSidecar } from './archive.js';
import { finishBackup, getBackup, insertBackup, listBackups, newBackupId, type BackupKind, type BackupRecord } from './backup-records.js';
import type { PgliteLocalDb } from './local-db.js';
import { pgDump, pgRestore, stateMark } from './pg-backup.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What the local backup functions need: a subset of CommandContext, so schedules can run them too. */
export interface OpsIo {
  readonly root: string;
  readonly signal: AbortSignal;
  log(level: 'debug' | 'info' | 'success' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
}

export const LOCAL_TARGET = 'local';

/** What is backed up or restored: the local PGlite, or a Postgres server by URL (local or linked). */
export type BackupSource =
  | Pick<PgliteLocalDb, 'engine' | 'label' | 'dumpDataDir' | 'loadDataDir' | 'serverVersion'>
  | { readonly engine: 'postgres'; readonly label: string; readonly url: string };

export interface CreateOptions {
  /** 'local' or the linked project's ref. */
  readonly target?: string;
  /** Schemas left out of a pg_dump (the platform's own, for a linked project). */
  readonly excludeSchemas?: readonly string[];
  readonly label?: string | null;
  /** 'you', 'schedule' or 'safety'. */
  readonly reason: string;
  readonly env: Env;
  readonly now?: Date;
}

export async function createBackup(io: OpsIo, state: StateDb, db: BackupSource, options: CreateOptions): Promise<BackupRecord> {
  await ensureBackupsDir(io.root);
  const id = newBackupId(state, options.now);
  const kind: BackupKind = db.engine === 'pglite' ? 'pglite-datadir' : 'pg_dump';
  const file = archivePath(io.root, id, kind === 'pglite-datadir' ? 'tar.gz' : 'dump');
  const started = Date.now();
  insertBackup(state, {
    id,
    target: options.target ?? LOCAL_TARGET,
    kind,
    path: file.rel,
    status: 'running',
    createdAt: (options.now ?? new Date()).toISOString(),
    meta: { label: options.label ?? null, reason: options.reason, database: db.label },
  });
  try {
    let meta: Record<string, unknown> = {};
    if (db.engine === 'pglite') {
      await writeFile(file.abs, await db.dumpDataDir());
      meta = { format: 'pglite data directory (tar.gz)', serverVersion: await db.serverVersion() };
    } else {
      // Read before the dump: a commit during it moves the mark, so the mark never claims too much.
      const stateMarkBefore = await stateMark(db.url);
      const r = await pgDump(db.url, file.abs, { env: options.env, signal: io.signal, excludeSchemas: options.excludeSchemas });
      meta = { format: 'pg_dump custom', serverVersion: r.server.text, toolVersion: r.tool.version, stateMark: stateMarkBefore, excludeSchemas: options.excludeSchemas ?? [] };
    }
    const [checksum, sizeBytes] = await Promise.all([sha256File(file.abs), fileSize(file.abs)]);
    finishBackup(state, id, { status: 'completed', checksum, sizeBytes, meta: { ...meta, durationMs: Date.now() - started } });
    const record = getBackup(state, id) as BackupRecord;
    await writeSidecar(io.root, record);
    return record;
  } catch (error) {
    await rm(file.abs, { force: true });
    finishBackup(state, id, { status: 'failed', meta: { error: (error as Error).message } });
    throw error;
  }
}

/**
 * A completed backup of `target` that holds the database's current state: taken at the server's
 * current state mark (nothing committed since) with the same schemas left out. Null when none.
 */
export async function backupOfCurrentState(state: StateDb, db: BackupSource, target: string, excludeSchemas: readonly string[] = []): Promise<BackupRecord | null> {
  if (db.engine !== 'postgres') return null;
  const now = await stateMark(db.url);
  if (!now) return null;
  const same = (a: unknown): boolean => JSON.stringify(a ?? []) === JSON.stringify(excludeSchemas);
  return listBackups(state, target).find((b) => b.status === 'completed' && b.meta.stateMark === now && same(b.meta.excludeSchemas)) ?? null;
}

/** An agentdeck backup of this target, or a clear error. */
export function findRecord(state: StateDb, id: string, target: string): BackupRecord {
  const record = getBackup(state, id);
  if (!record || record.status === 'deleted' || record.target !== target) {
    throw new CommandError('backup_not_found', `no backup ${id} of ${target === LOCAL_TARGET ? 'the local database' : `project ${target}`}: see "backup list"`);
  }
  return record;
}

/** Restores an archive over the local database (the caller verified it and took the safety backup). */
export async function restoreArchive(io: OpsIo, db: BackupSource, record: BackupRecord, env: Env): Promise<void> {
  if (!record.path) throw new CommandError('backup_no_archive', `backup ${record.id} has no archive`);
  const abs = join(io.root, record.path);
  if (record.kind === 'pglite-datadir') {
    if (db.engine !== 'pglite') throw new CommandError('backup_wrong_engine', `backup ${record.id} is a PGlite data directory, but the database is a Postgres server (${db.label})`);
    await db.loadDataDir(abs);
    return;
  }
  if (db.engine !== 'postgres') throw new CommandError('backup_wrong_engine', `backup ${record.id} is a pg_dump archive, but the local database is PGlite`);
  await pgRestore(db.url, abs, { env, signal: io.signal });
  await forgetBootstrapMark(db.url);
}

export async function checkArchive(io: OpsIo, record: BackupRecord): Promise<void> {
  if (record.status !== 'completed') throw new CommandError('backup_not_restorable', `backup ${record.id} is ${record.status}: only completed backups can be restored`);
  const check = await verifyArchive(io.root, record);
  if (!check.ok) throw new CommandError('backup_corrupt', `${check.reason}; it cannot be restored`);
}

export async function deleteArchive(io: OpsIo, record: BackupRecord): Promise<void> {
  await removeArchive(io.root, record);
}
