// The audit trail against an attacker who can write the state db (and, in some variants, the
// checkpoint file, but never read the key): each variant tampers through its own raw node:sqlite
// connection after dropping the append-only triggers, and `audit verify`, run as a fresh process
// would run it, must catch every one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { appendAudit, forgetAuditKeys, listAudit, verifyAudit, MISMATCH_ACTION, type AuditDbRow, type AuditVerdict } from '../../../src/services/state/audit.js';
import { auditFiles, configDir } from '../../../src/services/state/audit-key.js';
import { openState, type StateDb } from '../../../src/services/state/db.js';
import { tempDir } from '../../helpers/tmp.js';

type RawRow = AuditDbRow;

const COLUMNS = ['seq', 'ts', 'initiator', 'agent', 'action', 'target', 'run_id', 'approval_id', 'result', 'data_json', 'prev_hash', 'hash'] as const;
const GENESIS = '0'.repeat(64);
const body = (r: RawRow): string => JSON.stringify([r.seq, r.ts, r.initiator, r.agent, r.action, r.target, r.run_id, r.approval_id, r.result, r.data_json, r.prev_hash]);
/** The chain an attacker can compute: the plain sha256 of earlier versions. */
const sha = (r: RawRow): string => createHash('sha256').update(body(r)).digest('hex');
/** Or an HMAC under a key of the attacker's own. */
const attackerMac = (r: RawRow): string => createHmac('sha256', Buffer.alloc(32, 7)).update(body(r)).digest('hex');

/** The attacker's connection: its own, with the guard dropped first. */
function attacker(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  return db;
}

const rows = (db: DatabaseSync): RawRow[] => db.prepare('SELECT * FROM audit ORDER BY seq').all() as unknown as RawRow[];

function insert(db: DatabaseSync, r: RawRow): void {
  db.prepare(`INSERT INTO audit (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`).run(...COLUMNS.map((c) => r[c]));
}

/** Rewrites every row from `from` on, re-linking and re-hashing with `hashFn`. */
function rechain(db: DatabaseSync, hashFn: (r: RawRow) => string, from = 1, renumber = false): void {
  const all = rows(db);
  db.exec('DELETE FROM audit');
  let prev = GENESIS;
  let seq = 0;
  for (const original of all) {
    seq = renumber ? seq + 1 : original.seq;
    const r = { ...original, seq, prev_hash: original.seq < from ? original.prev_hash : prev };
    const hash = r.seq < from ? r.hash : hashFn(r);
    insert(db, { ...r, hash });
    prev = hash;
  }
}

function forgedRow(after: RawRow | undefined, hashFn: (r: RawRow) => string): RawRow {
  const r: RawRow = {
    seq: (after?.seq ?? 0) + 1,
    ts: new Date().toISOString(),
    initiator: 'you',
    agent: 'stage',
    action: 'deploy production',
    target: 'BUG-2026-001',
    run_id: null,
    approval_id: 'APR-0001',
    result: 'approved by you',
    data_json: null,
    prev_hash: after?.hash ?? GENESIS,
    hash: '',
  };
  return { ...r, hash: hashFn(r) };
}

/** A trail written by an older version: rows chained by plain sha256, no key. */
function writeLegacy(path: string, count: number): void {
  const db = new DatabaseSync(path);
  let prev: RawRow | undefined;
  for (let i = 0; i < count; i++) {
    const r = { ...forgedRow(prev, sha), action: `legacy ${i}`, result: 'done' };
    const row = { ...r, hash: sha(r) };
    insert(db, row);
    prev = row;
  }
  db.close();
}

interface Ctx {
  root: string;
  state: StateDb;
  path: string;
  head: string;
  key: string;
  /** Appends through the real code, as the console would. */
  append(n: number, label?: string): void;
  /** Closes the db and forgets everything held in memory, as a new process would start. */
  restart(): void;
}

let ctx: Ctx;
let cleanup: () => void;

beforeEach(() => {
  const tmp = tempDir('agentdeck-tamper-');
  cleanup = tmp.cleanup;
  forgetAuditKeys();
  const state = openState(tmp.dir);
  const files = auditFiles(state.path);
  ctx = {
    root: tmp.dir,
    state,
    path: state.path,
    head: files.headPath,
    key: files.keyPath,
    append(n, label = 'entry') {
      for (let i = 0; i < n; i++) appendAudit(ctx.state, { initiator: 'you', agent: 'orchestrator', action: `${label} ${i}`, result: 'done', data: { i } });
    },
    restart() {
      ctx.state.close();
      forgetAuditKeys();
      ctx.state = openState(ctx.root);
    },
  };
});

afterEach(() => {
  ctx.state.close();
  forgetAuditKeys();
  cleanup();
});

/** Verifies as a new process would, after the attacker's connection closed. */
function verifyFresh(): AuditVerdict {
  ctx.restart();
  return verifyAudit(ctx.state);
}

interface Variant {
  readonly name: string;
  /** Entries written by an older version (plain sha256) before the keyed ones. */
  readonly legacy?: number;
  readonly tamper: (db: DatabaseSync) => void;
  /** Files tampered with outside the db. */
  readonly files?: (c: Ctx, saved: { head: Buffer }) => void;
  /** The console appends again after the tamper (and before verify), which must not paper it over. */
  readonly appendAfter?: number;
  readonly expectBrokenAt?: number | null;
  readonly reason: RegExp;
}

const ENTRIES = 8;

const variants: Variant[] = [
  { name: 'delete the last row', tamper: (db) => db.exec(`DELETE FROM audit WHERE seq = ${ENTRIES}`), expectBrokenAt: ENTRIES, reason: /entry 8 is missing: the checkpoint records entry 8 as the last, the trail ends at 7/ },
  { name: 'delete the last three rows', tamper: (db) => db.exec(`DELETE FROM audit WHERE seq > ${ENTRIES - 3}`), expectBrokenAt: ENTRIES - 2, reason: /entries 6\.\.8 are missing/ },
  { name: 'delete all rows', tamper: (db) => db.exec('DELETE FROM audit'), expectBrokenAt: 1, reason: /trail is empty but the checkpoint records 8 entries/ },
  {
    name: 'drop and recreate the table (empty, guard included)',
    tamper: (db) => {
      const ddl = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit'").get() as { sql: string };
      db.exec('DROP TABLE audit');
      db.exec(ddl.sql);
      db.exec("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only: updates are refused'); END;");
      db.exec("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only: deletes are refused'); END;");
    },
    expectBrokenAt: 1,
    reason: /trail is empty/,
  },
  {
    name: 'drop and recreate the table with a forged history (plain sha256)',
    tamper: (db) => {
      const ddl = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit'").get() as { sql: string };
      db.exec('DROP TABLE audit');
      db.exec(ddl.sql);
      let prev: RawRow | undefined;
      for (let i = 0; i < ENTRIES; i++) {
        prev = forgedRow(prev, sha);
        insert(db, prev);
      }
    },
    expectBrokenAt: 1,
    reason: /plain sha256 hash where the keyed chain requires a MAC/,
  },
  { name: 'drop the table and leave it dropped', tamper: (db) => db.exec('DROP TABLE audit'), expectBrokenAt: 1, reason: /trail is empty/ },
  {
    name: 'append a forged row with a valid plain sha256 hash',
    tamper: (db) => insert(db, forgedRow(rows(db).at(-1), sha)),
    expectBrokenAt: ENTRIES + 1,
    reason: /entry 9 carries a plain sha256 hash/,
  },
  {
    name: 'append a forged row with a MAC under another key',
    tamper: (db) => insert(db, forgedRow(rows(db).at(-1), attackerMac)),
    expectBrokenAt: ENTRIES + 1,
    reason: /entry 9 was altered/,
  },
  {
    name: 'edit a row and re-chain the rest with plain sha256',
    tamper: (db) => {
      db.exec("UPDATE audit SET result = 'rejected' WHERE seq = 4");
      rechain(db, sha, 4);
    },
    expectBrokenAt: 4,
    reason: /entry 4 carries a plain sha256 hash/,
  },
  {
    name: 'edit a row and re-chain the rest with a key of its own',
    tamper: (db) => {
      db.exec("UPDATE audit SET initiator = 'mcp' WHERE seq = 2");
      rechain(db, attackerMac, 2);
    },
    expectBrokenAt: 2,
    reason: /entry 2 was altered/,
  },
  {
    name: 'delete a row in the middle and renumber the rest',
    tamper: (db) => {
      db.exec('DELETE FROM audit WHERE seq = 3');
      rechain(db, sha, 3, true);
    },
    expectBrokenAt: 3,
    reason: /entry 3 carries a plain sha256 hash/,
  },
  { name: 'delete a row in the middle', tamper: (db) => db.exec('DELETE FROM audit WHERE seq = 5'), expectBrokenAt: 5, reason: /entry 5 is missing/ },
  { name: 'drop the triggers', tamper: () => undefined, expectBrokenAt: null, reason: /append-only guard had been removed: restored trigger audit_no_update/ },
  {
    name: 'replace the triggers with ones that let everything through',
    tamper: (db) => {
      db.exec('CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT 1; END;');
      db.exec('CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT 1; END;');
    },
    expectBrokenAt: null,
    reason: /trigger audit_no_delete \(it had been replaced\)/,
  },
  { name: 'edit a field (result)', tamper: (db) => db.exec("UPDATE audit SET result = 'approved' WHERE seq = 6"), expectBrokenAt: 6, reason: /entry 6 was altered/ },
  { name: 'edit the data of an entry', tamper: (db) => db.exec(`UPDATE audit SET data_json = '{"i":99}' WHERE seq = 1`), expectBrokenAt: 1, reason: /entry 1 was altered/ },
  { name: 'edit the timestamp of an entry', tamper: (db) => db.exec("UPDATE audit SET ts = '2020-01-01T00:00:00.000Z' WHERE seq = 7"), expectBrokenAt: 7, reason: /entry 7 was altered/ },
  {
    name: 'swap two rows',
    tamper: (db) => {
      db.exec('UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -1;');
    },
    expectBrokenAt: 2,
    reason: /entry 2 does not link to entry 1/,
  },
  {
    name: 'swap the contents of two rows, keeping their links and MACs',
    tamper: (db) => {
      const [a, b] = [rows(db)[2] as RawRow, rows(db)[3] as RawRow];
      db.prepare('UPDATE audit SET action = ?, data_json = ? WHERE seq = ?').run(b.action, b.data_json, a.seq);
      db.prepare('UPDATE audit SET action = ?, data_json = ? WHERE seq = ?').run(a.action, a.data_json, b.seq);
    },
    expectBrokenAt: 3,
    reason: /entry 3 was altered/,
  },
  {
    name: 'replace the checkpoint with an older one',
    tamper: () => undefined,
    files: (c, saved) => writeFileSync(c.head, saved.head),
    expectBrokenAt: 5,
    reason: /entries 5\.\.8 are not covered by the checkpoint/,
  },
  { name: 'delete the checkpoint', tamper: () => undefined, files: (c) => rmSync(c.head), expectBrokenAt: null, reason: /checkpoint .* is missing/ },
  {
    name: 'point the checkpoint at an earlier row and delete the rows after it',
    tamper: (db) => db.exec('DELETE FROM audit WHERE seq > 4'),
    files: (c) => {
      // The attacker can read MACs from the db, but cannot sign a checkpoint record without the key.
      const four = new DatabaseSync(c.path).prepare('SELECT hash FROM audit WHERE seq = 4').get() as { hash: string };
      writeFileSync(c.head, readFileSync(c.head, 'utf8').replace(/ v1 \d+ [0-9a-f]{64} /, ` v1 4 ${four.hash} `));
    },
    expectBrokenAt: null,
    reason: /checkpoint .* was edited/,
  },
  {
    name: 'delete the last rows, then the console appends again',
    tamper: (db) => db.exec('DELETE FROM audit WHERE seq > 6'),
    appendAfter: 3,
    expectBrokenAt: 7,
    reason: /entry 7 records that the trail did not match its checkpoint: entries 7\.\.8 are missing/,
  },
  {
    name: 'delete all rows, then the console appends again',
    tamper: (db) => db.exec('DELETE FROM audit'),
    appendAfter: 2,
    expectBrokenAt: 1,
    reason: /entry 1 records that the trail did not match its checkpoint: the trail is empty/,
  },
  {
    name: 'delete the key and the checkpoint, then the console appends again',
    tamper: () => undefined,
    files: (c) => {
      rmSync(c.key);
      rmSync(c.head);
    },
    appendAfter: 1,
    expectBrokenAt: 1,
    reason: /entry 1 was altered/,
  },
  { name: 'delete the key', tamper: () => undefined, files: (c) => rmSync(c.key), expectBrokenAt: 1, reason: /keyed with an audit key that is missing/ },
  {
    name: 'downgrade the whole trail to a plain sha256 chain',
    tamper: (db) => rechain(db, sha, 1),
    expectBrokenAt: 1,
    reason: /entry 1 carries a plain sha256 hash/,
  },
  {
    name: 'edit an entry of the older plain chain and re-chain that part',
    legacy: 4,
    tamper: (db) => {
      db.exec("UPDATE audit SET result = 'never happened' WHERE seq = 2");
      const all = rows(db);
      let prev = (all[0] as RawRow).hash;
      for (const r of all.slice(1, 4)) {
        const fixed = { ...r, prev_hash: prev };
        const hash = sha(fixed);
        db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?').run(fixed.prev_hash, hash, r.seq);
        prev = hash;
      }
    },
    expectBrokenAt: 5,
    reason: /entry 5 does not link to entry 4/,
  },
  {
    name: 'insert a plain sha256 row between the older chain and the keyed one',
    legacy: 3,
    tamper: (db) => {
      const all = rows(db);
      db.exec('DELETE FROM audit WHERE seq > 3');
      const forged = forgedRow(all[2], sha);
      insert(db, forged);
      let prev = forged.hash;
      for (const r of all.slice(3)) {
        const moved = { ...r, seq: r.seq + 1, prev_hash: prev };
        const hash = sha(moved);
        insert(db, { ...moved, hash });
        prev = hash;
      }
    },
    expectBrokenAt: 4,
    reason: /entry 4 carries a plain sha256 hash/,
  },
];

describe('audit tamper harness', () => {
  it(`has at least 20 variants (${variants.length})`, () => {
    expect(variants.length).toBeGreaterThanOrEqual(20);
  });

  for (const v of variants) {
    it(`catches: ${v.name}`, () => {
      if (v.legacy) {
        ctx.state.close();
        writeLegacy(ctx.path, v.legacy);
        ctx.state = openState(ctx.root);
      }
      ctx.append(4, 'first');
      const saved = { head: readFileSync(ctx.head) };
      ctx.append(ENTRIES - 4, 'second');
      // Untampered, it verifies; the harness proves each variant breaks something that held.
      expect(verifyFresh()).toMatchObject({ ok: true, count: ENTRIES + (v.legacy ?? 0) });
      ctx.state.close();
      const db = attacker(ctx.path);
      v.tamper(db);
      db.close();
      v.files?.(ctx, saved);
      ctx.restart();
      if (v.appendAfter) ctx.append(v.appendAfter, 'after');
      const verdict = verifyFresh();
      expect(verdict.ok, `${v.name}: ${JSON.stringify(verdict)}`).toBe(false);
      if (verdict.ok) return;
      expect(verdict.reason).toMatch(v.reason);
      if (v.expectBrokenAt !== undefined) expect(verdict.brokenAt).toBe(v.expectBrokenAt);
    });
  }
});

describe('audit keys and checkpoints', () => {
  it('keeps the key and the checkpoint in the config directory, mode 0600, outside the project', () => {
    ctx.append(1);
    expect(configDir()).toBe(join(process.env.XDG_CONFIG_HOME as string, 'agentdeck'));
    for (const file of [ctx.key, ctx.head]) {
      expect(file.startsWith(configDir())).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(configDir(), 'audit')).mode & 0o077).toBe(0);
    const stored = readdirSync(join(ctx.root, '.agentdeck'));
    expect(stored.some((f) => f.endsWith('.key') || f.endsWith('.head'))).toBe(false);
    // The key never reaches the trail itself.
    const key = readFileSync(ctx.key, 'utf8').trim();
    expect(JSON.stringify(listAudit(ctx.state, { limit: 100 }))).not.toContain(key);
  });

  it('verifies a trail written before the key existed, and chains keyed entries after it', () => {
    ctx.state.close();
    writeLegacy(ctx.path, 5);
    ctx.state = openState(ctx.root);
    expect(existsSync(ctx.key)).toBe(false);
    expect(verifyAudit(ctx.state)).toMatchObject({ ok: true, count: 5, keyedFrom: null });
    ctx.append(3);
    expect(existsSync(ctx.key)).toBe(true);
    expect(verifyFresh()).toMatchObject({ ok: true, count: 8, keyedFrom: 6 });
  });

  const rolledBack = (): void => {
    expect(() =>
      ctx.state.tx(() => {
        appendAudit(ctx.state, { initiator: 'you', action: 'rolled back', result: 'done' });
        throw new Error('later step failed');
      }),
    ).toThrow('later step failed');
  };

  it('puts the checkpoint back when the transaction of an append rolls back', () => {
    ctx.append(3);
    const before = readFileSync(ctx.head, 'utf8');
    rolledBack();
    expect(readFileSync(ctx.head, 'utf8')).toBe(before);
    // The same in a process whose first append it is (the checkpoint it found is put back).
    ctx.restart();
    rolledBack();
    expect(readFileSync(ctx.head, 'utf8')).toBe(before);
    ctx.append(1);
    expect(verifyFresh()).toMatchObject({ ok: true, count: 4 });
  });

  it('leaves no checkpoint when the very first append rolls back', () => {
    rolledBack();
    expect(existsSync(ctx.head)).toBe(false);
    expect(existsSync(ctx.key)).toBe(false);
    ctx.restart();
    ctx.append(2);
    expect(verifyFresh()).toMatchObject({ ok: true, count: 2 });
  });

  it('catches rows removed behind the back of a running process at its next append', () => {
    ctx.append(5);
    const db = attacker(ctx.path);
    db.exec('DELETE FROM audit WHERE seq = 5');
    // The attacker also writes a checkpoint that matches the truncated trail (an older copy).
    db.close();
    ctx.append(1);
    const mismatch = listAudit(ctx.state).find((r) => r.action === MISMATCH_ACTION);
    expect(mismatch?.data).toMatchObject({ problem: expect.stringContaining('entry 5, written by this process, is gone') });
    expect(verifyFresh()).toMatchObject({ ok: false, brokenAt: 5 });
  });

  it('says when the guard was restored, and records it in the trail', () => {
    ctx.append(2);
    ctx.state.db.exec('DROP TRIGGER audit_no_delete');
    const verdict = verifyAudit(ctx.state);
    expect(verdict).toMatchObject({ ok: false, brokenAt: null, restored: ['trigger audit_no_delete (it was missing)'] });
    expect(() => ctx.state.db.exec('DELETE FROM audit')).toThrow(/append-only/);
    expect(listAudit(ctx.state)[0]).toMatchObject({ action: 'audit guard restored', data: { restored: ['trigger audit_no_delete (it was missing)'] } });
    expect(verifyAudit(ctx.state)).toMatchObject({ ok: true, count: 3, restored: [] });
  });

  it('an older checkpoint copied back over a newer one is caught while the trail is longer', () => {
    ctx.append(2);
    const old = join(ctx.root, 'old.head');
    copyFileSync(ctx.head, old);
    ctx.append(2);
    copyFileSync(old, ctx.head);
    expect(verifyFresh()).toMatchObject({ ok: false, brokenAt: 3 });
  });
});
