// The audit trail's secrets kept outside the project: a per-project MAC key and the checkpoint of
// the trail's head (last sequence number and MAC). Both live in the user's config directory
// (`$XDG_CONFIG_HOME/agentdeck/audit/`, else `~/.config/agentdeck/audit/`), named by a hash of the
// project root's real path, so nothing under `.agentdeck/` (or the repository) can rewrite them.
import { createHash, createHmac, createSecretKey, hash, randomBytes, type KeyObject } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { STATE_DIR } from './db.js';

/** The head of the trail as last written, with where the keyed MAC chain starts. */
export interface Checkpoint {
  readonly seq: number;
  readonly mac: string;
  /** The first entry written with the key; entries before it are the plain sha256 chain of older versions. */
  readonly keyedFrom: number;
}

export interface AuditFiles {
  readonly keyPath: string;
  readonly headPath: string;
}

export function configDir(): string {
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.config'), 'agentdeck');
}

/** The project a state db belongs to: the parent of `.agentdeck/`, else the db's own directory. */
function projectRoot(dbPath: string): string {
  const dir = dirname(dbPath);
  const root = basename(dir) === STATE_DIR ? dirname(dir) : dir;
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

export function auditFiles(dbPath: string): AuditFiles {
  const id = createHash('sha256').update(projectRoot(dbPath)).digest('hex').slice(0, 32);
  const dir = join(configDir(), 'audit');
  return { keyPath: join(dir, `${id}.key`), headPath: join(dir, `${id}.head`) };
}

/** Reads the key; null when there is none (or it is not a key). */
export function readKey(files: AuditFiles): KeyObject | null {
  try {
    const text = readFileSync(files.keyPath, 'utf8').trim();
    // A KeyObject made once: passing raw bytes to createHmac builds one per call, which costs more than the MAC.
    return /^[0-9a-f]{64}$/.test(text) ? createSecretKey(Buffer.from(text, 'hex')) : null;
  } catch {
    return null;
  }
}

/**
 * Creates the key (mode 0600, directory 0700). Written to a temporary name and linked into place,
 * so a reader never sees half a key and a concurrent creator's key is never overwritten: the
 * one already there wins.
 */
export function createKey(files: AuditFiles): KeyObject {
  mkdirSync(dirname(files.keyPath), { recursive: true, mode: 0o700 });
  const tmp = `${files.keyPath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, files.keyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
  const key = readKey(files);
  if (!key) throw new Error(`the audit key at ${files.keyPath} is unreadable`);
  return key;
}

export function mac(key: KeyObject, body: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

// The checkpoint is one fixed-size record, rewritten in place by a single write at offset 0: a
// killed process leaves the old record or the new one, never a mix, and the write costs no
// rename (which on ext4 flushes data and costs ~100x more). The record carries its own tag, so a
// record edited by hand (say, pointed at an earlier entry whose MAC anyone can read in the db), or
// torn by a power loss, reads as invalid instead of being trusted.
//
// The tag is sha256(secret ‖ record) with a secret derived from the key: a second HMAC per append
// would cost as much as the rest of the checkpoint, and a secret prefix is a sound MAC here because
// the record's format is strict (a length-extended record carries sha256 padding bytes, which can
// never parse).
const RECORD_SIZE = 256;

function recordBody(c: Checkpoint): string {
  return `agentdeck-audit-head v1 ${c.seq} ${c.mac} ${c.keyedFrom}`;
}

const tagSecrets = new WeakMap<KeyObject, string>();

function tagOf(key: KeyObject, body: string): string {
  let secret = tagSecrets.get(key);
  if (secret === undefined) {
    secret = mac(key, 'agentdeck audit checkpoint tag');
    tagSecrets.set(key, secret);
  }
  return hash('sha256', `${secret}\n${body}`);
}

const scratch = Buffer.alloc(RECORD_SIZE);

/** The record in a buffer reused by every write (the append path makes one per entry). */
function record(key: KeyObject, c: Checkpoint): Buffer {
  const body = recordBody(c);
  const n = scratch.write(`${body} ${tagOf(key, body)}\n`, 0, 'latin1');
  scratch.fill(0x20, n);
  return scratch;
}

export type CheckpointRead = { readonly state: 'missing' } | { readonly state: 'invalid' } | { readonly state: 'ok'; readonly checkpoint: Checkpoint };

export function readCheckpoint(files: AuditFiles, key: KeyObject): CheckpointRead {
  let text: string;
  try {
    text = readFileSync(files.headPath, 'latin1');
  } catch {
    return { state: 'missing' };
  }
  const m = /^(agentdeck-audit-head v1 (\d+) ([0-9a-f]{64}) (\d+)) ([0-9a-f]{64})\n *$/.exec(text);
  if (!m || tagOf(key, m[1] as string) !== m[5]) return { state: 'invalid' };
  return { state: 'ok', checkpoint: { seq: Number(m[2]), mac: m[3] as string, keyedFrom: Number(m[4]) } };
}

// One open descriptor per checkpoint file for the life of the process (the append path writes it
// once per entry); a few at most, the oldest closed first.
const handles = new Map<string, number>();
const MAX_HANDLES = 8;

export function writeCheckpoint(files: AuditFiles, key: KeyObject, c: Checkpoint): void {
  const bytes = record(key, c);
  let fd = handles.get(files.headPath);
  if (fd === undefined) {
    const opened = openHead(files.headPath, bytes);
    if (opened === null) return;
    fd = opened;
    if (handles.size >= MAX_HANDLES) {
      const [oldest, old] = handles.entries().next().value as [string, number];
      handles.delete(oldest);
      closeSync(old);
    }
    handles.set(files.headPath, fd);
  }
  writeSync(fd, bytes, 0, bytes.length, 0);
}

/** Opens the checkpoint for rewriting; a new one is written whole and renamed into place (then null: already written). */
function openHead(path: string, bytes: Buffer): number | null {
  try {
    return openSync(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes, { mode: 0o600 });
  renameSync(tmp, path);
  return null;
}

/** Removes the checkpoint (an append that wrote the first one was rolled back). */
export function removeCheckpoint(files: AuditFiles): void {
  const fd = handles.get(files.headPath);
  if (fd !== undefined) closeSync(fd);
  handles.delete(files.headPath);
  rmSync(files.headPath, { force: true });
}

/** Closes the open checkpoint descriptors. */
export function releaseCheckpoints(): void {
  for (const fd of handles.values()) closeSync(fd);
  handles.clear();
}
