// Versioned schema of the state db. Append new migrations at the end; never edit an applied one.
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('BUG', 'FEAT', 'TASK')),
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open',
  priority TEXT NOT NULL DEFAULT 'normal',
  created_by TEXT NOT NULL DEFAULT 'you',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  data_json TEXT,
  UNIQUE (kind, year, seq)
);
CREATE TABLE ticket_seq (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  ticket_id TEXT,
  command_id TEXT,
  line TEXT NOT NULL,
  args_json TEXT,
  agent TEXT NOT NULL,
  status TEXT NOT NULL,
  phase TEXT,
  initiator TEXT NOT NULL,
  pid INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT,
  result_json TEXT,
  error TEXT,
  recovery_json TEXT,
  runtime TEXT,
  session_id TEXT,
  cost_usd REAL
);
CREATE INDEX runs_status ON runs (status);
CREATE INDEX runs_ticket ON runs (ticket_id);

CREATE TABLE steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (id),
  seq INTEGER NOT NULL,
  key TEXT NOT NULL,
  agent TEXT NOT NULL,
  instance TEXT,
  phase TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  output_json TEXT,
  error TEXT,
  waiting_for TEXT,
  compensated INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  finished_at TEXT,
  UNIQUE (run_id, key)
);

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,
  run_id TEXT,
  ticket_id TEXT,
  agent TEXT NOT NULL,
  instance TEXT,
  kind TEXT NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  data_json TEXT
);
CREATE INDEX events_agent_ts ON events (agent, ts);
CREATE INDEX events_run ON events (run_id);

CREATE TABLE approvals (
  id TEXT PRIMARY KEY,
  run_id TEXT,
  ticket_id TEXT,
  tool TEXT NOT NULL,
  action_json TEXT NOT NULL,
  action_hash TEXT NOT NULL,
  summary TEXT NOT NULL,
  target TEXT NOT NULL,
  confirm_text TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  expires_at TEXT,
  reminded_at TEXT,
  resolved_at TEXT,
  resolved_by TEXT,
  reason TEXT
);
CREATE INDEX approvals_status ON approvals (status);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  initiator TEXT NOT NULL,
  agent TEXT,
  action TEXT NOT NULL,
  target TEXT,
  run_id TEXT,
  approval_id TEXT,
  result TEXT NOT NULL,
  data_json TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit is append-only: updates are refused'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit is append-only: deletes are refused'); END;

CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  dedupe_key TEXT NOT NULL UNIQUE,
  run_id TEXT,
  to_json TEXT NOT NULL,
  sender TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  idempotency_key TEXT NOT NULL,
  next_attempt_at TEXT,
  last_error TEXT,
  provider_id TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);

CREATE TABLE deployments (
  id TEXT PRIMARY KEY,
  ticket_id TEXT,
  env TEXT NOT NULL,
  status TEXT NOT NULL,
  branch TEXT,
  commit_sha TEXT,
  merge_sha TEXT,
  run_id TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  rolled_back_at TEXT,
  data_json TEXT
);

CREATE TABLE backups (
  id TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  kind TEXT NOT NULL,
  path TEXT,
  size_bytes INTEGER,
  checksum TEXT,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  data_json TEXT
);

CREATE TABLE locks (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  pid INTEGER NOT NULL,
  run_id TEXT,
  acquired_at TEXT NOT NULL
);

CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
`,
  },
  {
    version: 2,
    name: 'run secret names',
    // The configured secrets a typed command held: its line and args are stored with their
    // placeholders, and `resume` takes exactly these values from the environment again.
    // Rows written before every write was redacted are scrubbed once, through the functions the
    // state db registers (db.ts); the audit is append-only and keeps its hashes.
    sql: `
ALTER TABLE runs ADD COLUMN secret_names TEXT;
UPDATE runs SET secret_names = agentdeck_secret_names(line || char(10) || coalesce(args_json, ''));
UPDATE runs SET line = agentdeck_redact(line), args_json = agentdeck_redact(args_json), result_json = agentdeck_redact(result_json),
  error = agentdeck_redact(error), recovery_json = agentdeck_redact(recovery_json);
UPDATE steps SET name = agentdeck_redact(name), output_json = agentdeck_redact(output_json), error = agentdeck_redact(error),
  waiting_for = agentdeck_redact(waiting_for);
UPDATE tickets SET title = agentdeck_redact(title), description = agentdeck_redact(description), data_json = agentdeck_redact(data_json);
UPDATE events SET message = agentdeck_redact(message), data_json = agentdeck_redact(data_json);
UPDATE approvals SET action_json = agentdeck_redact(action_json), summary = agentdeck_redact(summary), target = agentdeck_redact(target),
  confirm_text = agentdeck_redact(confirm_text), reason = agentdeck_redact(reason);
UPDATE outbox SET to_json = agentdeck_redact(to_json), subject = agentdeck_redact(subject), text = agentdeck_redact(text),
  html = agentdeck_redact(html), last_error = agentdeck_redact(last_error);
UPDATE deployments SET data_json = agentdeck_redact(data_json);
UPDATE backups SET path = agentdeck_redact(path), data_json = agentdeck_redact(data_json);
UPDATE kv SET value = agentdeck_redact(value);
`,
  },
  {
    version: 4,
    name: 'inflight side effects',
    sql: `
CREATE TABLE inflight (
  kind TEXT NOT NULL,
  row_id TEXT NOT NULL,
  pid INTEGER NOT NULL,
  run_id TEXT,
  keep_for_run INTEGER NOT NULL DEFAULT 0,
  files_json TEXT,
  started_at TEXT NOT NULL,
  PRIMARY KEY (kind, row_id)
);
`,
  },
  {
    version: 9,
    name: 'ticket references and lifecycle',
    // `ref`: the admin's own id for the ticket (AI-EST-142), unique regardless of case.
    // ticket_events: every change of a ticket's status, with its time and the run that made it.
    sql: `
ALTER TABLE tickets ADD COLUMN ref TEXT;
CREATE UNIQUE INDEX tickets_ref ON tickets (upper(ref)) WHERE ref IS NOT NULL;
CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_id TEXT NOT NULL REFERENCES tickets (id),
  status TEXT NOT NULL,
  previous TEXT,
  run_id TEXT,
  note TEXT,
  at TEXT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
`,
  },
  {
    version: 12,
    name: 'events by level',
    // Recent activity (successes, warnings, errors) and level searches over the stored history
    // (`/level:error`, `logs --level error`) read the rows of those levels, not the whole table.
    sql: `
CREATE INDEX events_level_id ON events (level, id);
`,
  },
  {
    version: 14,
    name: 'questions and handoffs',
    // What a run waits for besides an approval: one question to the admin (below the
    // understanding gate) or a model step handed to the calling session over MCP. One row per run
    // and step key; the answer is stored with who gave it, and the run resumes from there.
    sql: `
CREATE TABLE questions (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  step_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('question', 'handoff')),
  agent TEXT NOT NULL,
  text TEXT NOT NULL,
  data_json TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'answered')),
  answer_json TEXT,
  asked_at TEXT NOT NULL,
  answered_at TEXT,
  answered_by TEXT,
  UNIQUE (run_id, step_key)
);
CREATE INDEX questions_pending ON questions (status, run_id);
`,
  },
];
