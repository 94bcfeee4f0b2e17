// The migration safety check: walks each statement's parse tree and flags what loses data or
// takes long locks on a live database, each with its severity, why, and the safer way.
// "Existing table" means a table this migration did not create itself (a table created earlier
// in the same migration is empty, so indexes, NOT NULL columns and foreign keys on it are safe).
import { parseStatements, relName, type Statement } from './sql.js';

export type Severity = 'high' | 'medium' | 'low';

export const RULES = {
  drop_table: {
    severity: 'high',
    destructive: true,
    explanation: 'dropping a table deletes all of its rows',
    safer: 'rename the table (or move it to an archive schema), deploy code that no longer uses it, and drop it in a later migration after a backup',
  },
  drop_column: {
    severity: 'high',
    destructive: true,
    explanation: "dropping a column deletes its data, and running code that still reads it breaks",
    safer: 'stop reading and writing the column in the app first, deploy, back it up, then drop it in a later migration',
  },
  truncate: {
    severity: 'high',
    destructive: true,
    explanation: 'TRUNCATE deletes every row and takes an ACCESS EXCLUSIVE lock',
    safer: 'delete the rows you mean with a WHERE clause, in batches, after a backup',
  },
  delete_without_where: {
    severity: 'high',
    destructive: true,
    explanation: 'DELETE without WHERE deletes every row of the table',
    safer: 'add a WHERE clause naming the rows to delete, and run it in batches',
  },
  update_without_where: {
    severity: 'high',
    destructive: true,
    explanation: 'UPDATE without WHERE rewrites every row of the table and overwrites its values',
    safer: 'add a WHERE clause naming the rows to change, and backfill in batches',
  },
  column_type_change: {
    severity: 'high',
    destructive: true,
    explanation: 'changing a column type rewrites the table under an ACCESS EXCLUSIVE lock and can lose data in the cast',
    safer: 'add a new column of the new type, backfill it in batches, switch the app to it, then drop the old column later',
  },
  set_not_null: {
    severity: 'medium',
    destructive: false,
    explanation: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes',
    safer: 'add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL (Postgres uses the valid check and skips the scan)',
  },
  not_null_column_without_default: {
    severity: 'high',
    destructive: false,
    explanation: 'a new NOT NULL column without a default fails on a table that has rows',
    safer: 'add the column with a DEFAULT, or add it nullable, backfill, then SET NOT NULL',
  },
  index_without_concurrently: {
    severity: 'medium',
    destructive: false,
    explanation: 'CREATE INDEX without CONCURRENTLY blocks writes to the table until the index is built',
    safer: 'CREATE INDEX CONCURRENTLY, in a migration of its own (it cannot run inside a transaction)',
  },
  fk_without_not_valid: {
    severity: 'medium',
    destructive: false,
    explanation: 'adding a foreign key validates every existing row while locking both tables against writes',
    safer: 'ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration',
  },
  rename: {
    severity: 'medium',
    destructive: false,
    explanation: 'a rename breaks every running query and deployed client that uses the old name',
    safer: 'expand and contract: add the new name (a new column kept in sync, or a view), move the app over, then remove the old name',
  },
} as const satisfies Record<string, { severity: Severity; destructive: boolean; explanation: string; safer: string }>;

export type RuleId = keyof typeof RULES;

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly destructive: boolean;
  readonly line: number;
  /** What was found, naming the object: `drops table public.customers`. */
  readonly message: string;
  readonly explanation: string;
  readonly safer: string;
}

export interface SafetyReport {
  readonly findings: readonly Finding[];
  /** True when a finding is destructive: executing the migration needs an approval. */
  readonly needsApproval: boolean;
  readonly statements: number;
}

function finding(rule: RuleId, statement: Statement, message: string): Finding {
  const r = RULES[rule];
  return { rule, severity: r.severity, destructive: r.destructive, line: statement.line, message, explanation: r.explanation, safer: r.safer };
}

type Node = Record<string, unknown>;

function unwrap(value: unknown, key: string): Node | null {
  const v = (value ?? {}) as Node;
  return (v[key] as Node | undefined) ?? null;
}

function constraintsOf(columnDef: Node | null): Node[] {
  return ((columnDef?.constraints as unknown[] | undefined) ?? []).map((c) => unwrap(c, 'Constraint')).filter((c): c is Node => c !== null);
}

function names(list: unknown): string[] {
  return ((list as unknown[] | undefined) ?? []).map((n) => String(unwrap(n, 'String')?.sval ?? ''));
}

/** `schema.name` of a DropStmt object (a list of String nodes). */
function droppedName(object: unknown): string {
  const parts = names(unwrap(object, 'List')?.items);
  return parts.length === 1 ? `public.${parts[0]}` : parts.join('.');
}

function checkAlterTable(statement: Statement, created: ReadonlySet<string>): Finding[] {
  const n = statement.node;
  if (n.objtype !== 'OBJECT_TABLE') return [];
  const table = relName(n.relation);
  const existing = !created.has(table);
  const out: Finding[] = [];
  for (const c of (n.cmds as unknown[] | undefined) ?? []) {
    const cmd = unwrap(c, 'AlterTableCmd');
    if (!cmd) continue;
    const column = String(cmd.name ?? '');
    switch (cmd.subtype) {
      case 'AT_DropColumn':
        if (existing) out.push(finding('drop_column', statement, `drops column ${table}.${column}`));
        break;
      case 'AT_AlterColumnType':
        if (existing) out.push(finding('column_type_change', statement, `changes the type of ${table}.${column}`));
        break;
      case 'AT_SetNotNull':
        if (existing) out.push(finding('set_not_null', statement, `sets ${table}.${column} NOT NULL`));
        break;
      case 'AT_AddColumn': {
        const def = unwrap(cmd.def, 'ColumnDef');
        const cons = constraintsOf(def);
        const types = new Set(cons.map((k) => k.contype));
        const filled = types.has('CONSTR_DEFAULT') || types.has('CONSTR_IDENTITY') || types.has('CONSTR_GENERATED');
        if (existing && (types.has('CONSTR_NOTNULL') || types.has('CONSTR_PRIMARY')) && !filled) {
          out.push(finding('not_null_column_without_default', statement, `adds NOT NULL column ${table}.${String(def?.colname)} without a default`));
        }
        break;
      }
      case 'AT_AddConstraint': {
        const con = unwrap(cmd.def, 'Constraint');
        if (existing && con?.contype === 'CONSTR_FOREIGN' && con.skip_validation !== true) {
          out.push(finding('fk_without_not_valid', statement, `adds foreign key ${con.conname ? `${String(con.conname)} ` : ''}on ${table} without NOT VALID`));
        }
        break;
      }
    }
  }
  return out;
}

const RENAMED: Record<string, string> = {
  OBJECT_TABLE: 'table',
  OBJECT_COLUMN: 'column',
  OBJECT_VIEW: 'view',
  OBJECT_SCHEMA: 'schema',
  OBJECT_TABCONSTRAINT: 'constraint',
  OBJECT_FUNCTION: 'function',
  OBJECT_TYPE: 'type',
  OBJECT_MATVIEW: 'materialized view',
};

/** The findings of one migration's statements, in order. */
export function checkStatements(statements: readonly Statement[]): Finding[] {
  const created = new Set<string>();
  const out: Finding[] = [];
  for (const s of statements) {
    const n = s.node;
    switch (s.kind) {
      case 'CreateStmt':
      case 'CreateTableAsStmt':
        created.add(relName(n.relation ?? (n.into as Node | undefined)?.rel));
        break;
      case 'DropStmt':
        if (n.removeType === 'OBJECT_TABLE') {
          for (const obj of (n.objects as unknown[] | undefined) ?? []) {
            const name = droppedName(obj);
            if (!created.has(name)) out.push(finding('drop_table', s, `drops table ${name}`));
          }
        }
        break;
      case 'TruncateStmt':
        out.push(finding('truncate', s, `truncates ${((n.relations as unknown[] | undefined) ?? []).map((r) => relName(unwrap(r, 'RangeVar'))).join(', ')}`));
        break;
      case 'DeleteStmt':
        if (!n.whereClause) out.push(finding('delete_without_where', s, `deletes every row of ${relName(n.relation)}`));
        break;
      case 'UpdateStmt':
        if (!n.whereClause) out.push(finding('update_without_where', s, `updates every row of ${relName(n.relation)}`));
        break;
      case 'AlterTableStmt':
        out.push(...checkAlterTable(s, created));
        break;
      case 'IndexStmt': {
        const table = relName(n.relation);
        if (n.concurrent !== true && !created.has(table)) {
          out.push(finding('index_without_concurrently', s, `creates index ${n.idxname ? `${String(n.idxname)} ` : ''}on ${table} without CONCURRENTLY`));
        }
        break;
      }
      case 'RenameStmt': {
        const what = RENAMED[String(n.renameType)] ?? 'object';
        const from = n.relation ? relName(n.relation) : droppedName(n.object);
        const old = n.subname ? `${from}.${String(n.subname)}` : from;
        out.push(finding('rename', s, `renames ${what} ${old} to ${String(n.newname)}`));
        break;
      }
    }
  }
  return out;
}

export async function checkMigration(sql: string): Promise<SafetyReport> {
  const statements = await parseStatements(sql);
  const findings = checkStatements(statements);
  return { findings, needsApproval: findings.some((f) => f.destructive), statements: statements.length };
}

const MARK: Record<Severity, string> = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

/** Lines for the log and the result: `HIGH line 3: drops table public.x: why. Safer: ...`. */
export function describeFindings(findings: readonly Finding[], file?: string): string[] {
  return findings.map(
    (f) => `${MARK[f.severity]} ${file ? `${file}:` : 'line '}${f.line}: ${f.message}: ${f.explanation}. Safer: ${f.safer}`,
  );
}
