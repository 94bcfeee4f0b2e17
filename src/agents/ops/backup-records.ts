// Rows of the state db's `backups` table: the archives agentdeck made (local or of a linked
// project), with their checksum and metadata.
import type { StateDb } from '../../services/state/db.js';
import { parseJson } from '../../services/state/db.js';
import { beginInflight, endInflight } from '../../services/state/inflight.js';

export type BackupKind = 'pglite-datadir' | 'pg_dump';
export type BackupStatus = 'running' | 'completed' | 'failed' | 'deleted';

export interface BackupMeta {
  readonly label?: string | null;
  /** Who asked: 'you', 'schedule', 'safety' (taken before a restore). */
  readonly reason?: string;
  readonly format?: string;
  readonly serverVersion?: string | null;
  readonly toolVersion?: string | null;
  readonly durationMs?: number;
  readonly error?: string;
  readonly [key: string]: unknown;
}

export interface BackupRecord {
  readonly id: string;
  /** 'local', or the project ref of a linked project. */
  readonly target: string;
  readonly kind: BackupKind;
  /** Relative to the project root. */
  readonly path: string | null;
  readonly sizeBytes: number | null;
  /** `sha256:<hex>` of the archive file. */
  readonly checksum: string | null;
  readonly status: BackupStatus;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly meta: BackupMeta;
}

interface Row {
  id: string;
  target: string;
  kind: string;
  path: string | null;
  size_bytes: number | null;
  checksum: string | null;
  status: string;
  created_at: string;
  finished_at: string | null;
  data_json: string | null;
}

function toRecord(r: Row): BackupRecord {
  return {
    id: r.id,
    target: r.target,
    kind: r.kind as BackupKind,
    path: r.path,
    sizeBytes: r.size_bytes,
    checksum: r.checksum,
    status: r.status as BackupStatus,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    meta: parseJson<BackupMeta>(r.data_json, {}),
  };
}

export function insertBackup(state: StateDb, b: Omit<BackupRecord, 'finishedAt' | 'sizeBytes' | 'checksum'>): void {
  state.tx(() => {
    state.db
      .prepare('INSERT INTO backups (id, target, kind, path, status, created_at, data_json) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(b.id, b.target, b.kind, b.path, b.status, b.createdAt, JSON.stringify(b.meta));
    // A backup whose process dies before it finishes is marked failed, its partial archive removed, at the next start.
    if (b.status === 'running') beginInflight(state, { kind: 'backups', rowId: b.id, files: b.path ? [b.path] : [] });
  });
}

export function finishBackup(
  state: StateDb,
  id: string,
  patch: { status: BackupStatus; sizeBytes?: number | null; checksum?: string | null; meta?: BackupMeta },
): void {
  state.tx(() => {
    const current = getBackup(state, id);
    const meta = { ...(current?.meta ?? {}), ...(patch.meta ?? {}) };
    state.db
      .prepare('UPDATE backups SET status = ?, size_bytes = coalesce(?, size_bytes), checksum = coalesce(?, checksum), finished_at = ?, data_json = ? WHERE id = ?')
      .run(patch.status, patch.sizeBytes ?? null, patch.checksum ?? null, new Date().toISOString(), JSON.stringify(meta), id);
    endInflight(state, 'backups', id);
  });
}

export function getBackup(state: StateDb, id: string): BackupRecord | null {
  const row = state.db.prepare('SELECT * FROM backups WHERE id = ?').get(id) as Row | undefined;
  return row ? toRecord(row) : null;
}

/** Newest first; deleted ones are left out unless asked for. */
export function listBackups(state: StateDb, target?: string, options: { includeDeleted?: boolean } = {}): BackupRecord[] {
  const where: string[] = [];
  const params: string[] = [];
  if (target !== undefined) {
    where.push('target = ?');
    params.push(target);
  }
  if (!options.includeDeleted) where.push("status <> 'deleted'");
  const sql = `SELECT * FROM backups${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC`;
  return (state.db.prepare(sql).all(...params) as unknown as Row[]).map(toRecord);
}

export function markDeleted(state: StateDb, id: string): void {
  state.db.prepare("UPDATE backups SET status = 'deleted', finished_at = coalesce(finished_at, ?) WHERE id = ?").run(new Date().toISOString(), id);
}

/** `bk-20261120-143022`, with a suffix when that second is taken. */
export function newBackupId(state: StateDb, now = new Date()): string {
  const iso = now.toISOString();
  const base = `bk-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  let id = base;
  for (let n = 2; getBackup(state, id); n++) id = `${base}-${n}`;
  return id;
}
