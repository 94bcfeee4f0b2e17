// Backup archives on disk: `<root>/.agentdeck/backups/<id>.<ext>`, each with a sidecar
// `<id>.json` holding its metadata and checksum, so an archive stays self-describing even if the
// state db is lost. Checksums are sha256 over the archive file, streamed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { stateDir } from '../../services/state/db.js';
import type { BackupRecord } from './backup-records.js';

export function backupsDir(root: string): string {
  return join(stateDir(root), 'backups');
}

export async function ensureBackupsDir(root: string): Promise<string> {
  const dir = backupsDir(root);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The archive path of a backup id (absolute) and as stored (relative to the root). */
export function archivePath(root: string, id: string, ext: string): { abs: string; rel: string } {
  const abs = join(backupsDir(root), `${id}.${ext}`);
  return { abs, rel: relative(root, abs) };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** Writes the sidecar atomically (temp file, then rename). */
export async function writeSidecar(root: string, record: BackupRecord): Promise<void> {
  const path = join(backupsDir(root), `${record.id}.json`);
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(tmp, path);
}

export async function removeArchive(root: string, record: BackupRecord): Promise<void> {
  if (record.path) await rm(join(root, record.path), { force: true });
  await rm(join(backupsDir(root), `${record.id}.json`), { force: true });
}

export type ChecksumCheck = { ok: true } | { ok: false; reason: string };

/** Recomputes the archive's checksum and compares it with the recorded one. */
export async function verifyArchive(root: string, record: BackupRecord): Promise<ChecksumCheck> {
  if (!record.path || !record.checksum) return { ok: false, reason: `backup ${record.id} has no archive or no checksum recorded` };
  const abs = join(root, record.path);
  try {
    await stat(abs);
  } catch {
    return { ok: false, reason: `the archive of ${record.id} is missing (${record.path})` };
  }
  const actual = await sha256File(abs);
  if (actual !== record.checksum) {
    return { ok: false, reason: `the archive of ${record.id} is corrupt: checksum ${actual.slice(0, 19)}... does not match the recorded ${record.checksum.slice(0, 19)}...` };
  }
  return { ok: true };
}
