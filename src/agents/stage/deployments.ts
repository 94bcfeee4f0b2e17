// The deployments table: one row per deploy of a ticket to an environment, with the merge
// commit that a rollback reverts.
import { CONFIG_FILE } from '../../services/config/schema.js';
import { setTicketStatus } from '../../services/state/tickets.js';
import type { StateDb } from '../../services/state/db.js';
import { parseJson } from '../../services/state/db.js';
import { beginInflight, endInflight } from '../../services/state/inflight.js';

export type DeployEnv = 'staging' | 'production';
export type DeploymentStatus = 'running' | 'succeeded' | 'failed' | 'rolled_back';

export interface DeploymentData {
  /** The branch the ticket was merged into. */
  readonly envBranch?: string;
  /** Migration files the deploy brought in (relative paths). */
  readonly migrations?: readonly string[];
  readonly tests?: string;
  readonly skippedTests?: boolean;
  readonly hotfix?: boolean;
  readonly error?: string;
  readonly rollback?: { readonly revertSha?: string; readonly [key: string]: unknown };
  /** Set on a rolled-back deployment once a redeploy of the ticket undid its rollback. */
  readonly restoredBy?: string;
  /** A redeploy's commit that undid the earlier rollback (reverted too when this one rolls back). */
  readonly restoreSha?: string;
  /** The durable step that recorded the deployment (a resumed deploy finds its row by it). */
  readonly step?: string;
  /** How many configured deploy commands ran; 0: the deploy only merged into the branch. */
  readonly deployCommands?: number;
}

/** Why a deploy only moved a branch, naming the config key that would make it deploy. */
export function noDeployCommand(env: DeployEnv): string {
  return `no deploy command configured for ${env} (set deploy.${env} in ${CONFIG_FILE})`;
}

/** True when the deploy ran no deploy command: the branch moved, nothing was deployed. */
export function mergedOnly(d: Pick<Deployment, 'data'>): boolean {
  return d.data.deployCommands === 0;
}

/**
 * What a deployment really did, in words, for every line that reports it (result, ticket
 * lifecycle, status, email): `deployed to staging`, or `merged into staging; no deploy command
 * configured for staging (set deploy.staging in agentdeck.config.json)`.
 */
export function deploymentOutcome(d: Pick<Deployment, 'env' | 'status' | 'data'>): string {
  switch (d.status) {
    case 'succeeded':
      return mergedOnly(d) ? `merged into ${d.data.envBranch ?? d.env}; ${noDeployCommand(d.env)}` : `deployed to ${d.env}`;
    case 'rolled_back':
      return `rolled back from ${d.env}`;
    case 'failed':
      return `failed to deploy to ${d.env}${d.data.error ? `: ${d.data.error}` : ''}`;
    case 'running':
      return `deploying to ${d.env}`;
  }
}

export interface Deployment {
  readonly id: string;
  readonly ticketId: string | null;
  readonly env: DeployEnv;
  readonly status: DeploymentStatus;
  readonly branch: string | null;
  readonly commitSha: string | null;
  readonly mergeSha: string | null;
  readonly runId: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly rolledBackAt: string | null;
  readonly data: DeploymentData;
}

interface Row {
  id: string;
  ticket_id: string | null;
  env: DeployEnv;
  status: DeploymentStatus;
  branch: string | null;
  commit_sha: string | null;
  merge_sha: string | null;
  run_id: string | null;
  created_at: string;
  finished_at: string | null;
  rolled_back_at: string | null;
  data_json: string | null;
}

function fromRow(r: Row): Deployment {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    env: r.env,
    status: r.status,
    branch: r.branch,
    commitSha: r.commit_sha,
    mergeSha: r.merge_sha,
    runId: r.run_id,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    rolledBackAt: r.rolled_back_at,
    data: parseJson(r.data_json, {}),
  };
}

export interface NewDeployment {
  readonly ticketId: string;
  readonly env: DeployEnv;
  readonly branch: string;
  readonly commitSha: string;
  readonly runId: string | null;
  readonly data?: DeploymentData;
}

/** Inserts a running deployment with the next `DEPLOY-<year>-<nnn>` id. */
export function insertDeployment(state: StateDb, input: NewDeployment, now: Date = new Date()): Deployment {
  return state.tx(() => {
    const year = now.getUTCFullYear();
    const prefix = `DEPLOY-${year}-`;
    const last = state.db
      .prepare("SELECT id FROM deployments WHERE id LIKE ? ORDER BY length(id) DESC, id DESC LIMIT 1")
      .get(`${prefix}%`) as { id: string } | undefined;
    const seq = last ? Number(last.id.slice(prefix.length)) + 1 : 1;
    const id = `${prefix}${String(seq).padStart(3, '0')}`;
    state.db
      .prepare(
        `INSERT INTO deployments (id, ticket_id, env, status, branch, commit_sha, run_id, created_at, data_json)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
      )
      .run(id, input.ticketId, input.env, input.branch, input.commitSha, input.runId, now.toISOString(), JSON.stringify(input.data ?? {}));
    // Finished by its run, also when the run is resumed; failed at a start after the run ended without it.
    beginInflight(state, { kind: 'deployments', rowId: id, runId: input.runId, keepForRun: true });
    return getDeployment(state, id) as Deployment;
  });
}

/** The deployment a durable step recorded (its id is kept in the row's data), if any. */
export function deploymentOfStep(state: StateDb, stepId: string): Deployment | null {
  const row = state.db.prepare("SELECT * FROM deployments WHERE json_extract(data_json, '$.step') = ?").get(stepId) as Row | undefined;
  return row ? fromRow(row) : null;
}

export function getDeployment(state: StateDb, id: string): Deployment | null {
  const row = state.db.prepare('SELECT * FROM deployments WHERE id = ?').get(id.toUpperCase()) as Row | undefined;
  return row ? fromRow(row) : null;
}

export function finishDeployment(
  state: StateDb,
  id: string,
  patch: { status: DeploymentStatus; mergeSha?: string | null; data?: DeploymentData; runId?: string | null },
): Deployment {
  const current = getDeployment(state, id);
  if (!current) throw new Error(`deployment ${id} not found`);
  const data = { ...current.data, ...patch.data };
  const now = new Date().toISOString();
  state.db
    .prepare('UPDATE deployments SET status = ?, merge_sha = ?, finished_at = ?, rolled_back_at = ?, data_json = ? WHERE id = ?')
    .run(
      patch.status,
      patch.mergeSha === undefined ? current.mergeSha : patch.mergeSha,
      patch.status === 'rolled_back' ? current.finishedAt : now,
      patch.status === 'rolled_back' ? now : current.rolledBackAt,
      JSON.stringify(data),
      id,
    );
  endInflight(state, 'deployments', id);
  const updated = getDeployment(state, id) as Deployment;
  // The ticket's lifecycle follows its deployments: deployed there (or only merged, when no deploy
  // command ran), or rolled back. The note says what happened in the same words as the result.
  if (current.ticketId && (patch.status === 'succeeded' || patch.status === 'rolled_back')) {
    const status = patch.status === 'rolled_back' ? 'rolled back' : mergedOnly(updated) ? (`merged for ${current.env}` as const) : (`deployed to ${current.env}` as const);
    setTicketStatus(state, current.ticketId, status, { runId: patch.runId ?? current.runId, note: `${current.id}: ${deploymentOutcome(updated)}` });
  }
  return updated;
}

/** Deployments that are live (succeeded, not rolled back), newest first. */
export function liveDeployments(state: StateDb, options: { ticketId?: string; env?: DeployEnv } = {}): Deployment[] {
  const where = ["status = 'succeeded'"];
  const params: string[] = [];
  if (options.ticketId) {
    where.push('ticket_id = ?');
    params.push(options.ticketId.toUpperCase());
  }
  if (options.env) {
    where.push('env = ?');
    params.push(options.env);
  }
  const rows = state.db
    .prepare(`SELECT * FROM deployments WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC`)
    .all(...params) as unknown as Row[];
  return rows.map(fromRow);
}

export function listDeployments(state: StateDb, limit = 50): Deployment[] {
  const rows = state.db.prepare('SELECT * FROM deployments ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as unknown as Row[];
  return rows.map(fromRow);
}

/**
 * Deployments of a ticket to an environment whose merge was reverted (rolled back, or undone
 * after a failed deploy), newest first.
 */
export function rolledBackDeployments(state: StateDb, ticketId: string, env: DeployEnv): Deployment[] {
  const rows = state.db
    .prepare("SELECT * FROM deployments WHERE status IN ('rolled_back', 'failed') AND ticket_id = ? AND env = ? ORDER BY created_at DESC, id DESC")
    .all(ticketId.toUpperCase(), env) as unknown as Row[];
  return rows.map(fromRow).filter((d) => typeof d.data.rollback?.revertSha === 'string');
}

/** Merges `data` into a deployment's data, leaving its status and times as they are. */
export function patchDeploymentData(state: StateDb, id: string, data: DeploymentData): void {
  const current = getDeployment(state, id);
  if (!current) return;
  state.db.prepare('UPDATE deployments SET data_json = ? WHERE id = ?').run(JSON.stringify({ ...current.data, ...data }), id);
}
