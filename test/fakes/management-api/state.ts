// The fake platform's project: backups, schedule, pooler endpoints (with read replicas), Postgres
// config, network restrictions, advisors, SSL enforcement and a SQL endpoint answering from a
// table of canned rows. Asynchronous operations finish after `polls` reads of their status.
// Network restriction changes wait for a review, as on today's platform (newer-openapi.json).
import type { MatchedOperation } from './spec.js';

type Json = Record<string, unknown>;

export interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

interface Pending {
  left: number;
  finish: () => void;
}

export interface FakeState {
  project: Json & { ref: string; status: string; database: Json };
  backups: { region: string; walg_enabled: boolean; pitr_enabled: boolean; backups: Json[]; physical_backup_data: Json };
  schedule: { schedule_for: string; updated_at: string } | null;
  /** false: the plan has no schedules (402). */
  scheduleAllowed: boolean;
  pooler: Json[];
  postgresConfig: Json;
  network: {
    entitlement: string;
    config: { dbAllowedCidrs: string[]; dbAllowedCidrsV6: string[] };
    status: 'stored' | 'applied';
    updated_at?: string;
    applied_at?: string;
    old_config?: Json;
    pending_change?: { config: { dbAllowedCidrs: string[]; dbAllowedCidrsV6: string[] }; requested_at: string; requested_by?: string };
  };
  /** true (today's platform): a PATCH leaves a pending change that a review applies; false: it applies at once. */
  networkReview: boolean;
  advisors: Json[];
  /** false: the platform has no v2 advisors run endpoint yet (answers 404). */
  advisorsV2: boolean;
  bans: string[];
  ssl: { currentConfig: { database: boolean }; appliedSuccessfully: boolean };
  /** Rows answered by POST .../database/query, by a substring of the SQL. */
  queryRows: { match: string; rows: Json[] }[];
  /** Restores that end in RESTORE_FAILED. */
  restoreFails: boolean;
  readonly queries: string[];
  handle(op: MatchedOperation, body: unknown, query: URLSearchParams): Answer;
}

export function initialState(ref: string, polls: number): FakeState {
  const now = '2026-11-20T10:00:00.000Z';
  const pending: Record<string, Pending | undefined> = {};
  const tick = (key: string): void => {
    const p = pending[key];
    if (!p) return;
    p.left--;
    if (p.left <= 0) {
      pending[key] = undefined;
      p.finish();
    }
  };
  const endpoint = (identifier: string, type: 'PRIMARY' | 'READ_REPLICA'): Json => ({
    identifier,
    database_type: type,
    is_using_scram_auth: true,
    db_user: `postgres.${ref}`,
    db_host: `${type === 'PRIMARY' ? 'aws-0' : identifier}.pooler.supabase.com`,
    db_port: 6543,
    db_name: 'postgres',
    connection_string: `postgresql://postgres.${ref}@aws-0.pooler.supabase.com:6543/postgres`,
    connectionString: `postgresql://postgres.${ref}@aws-0.pooler.supabase.com:6543/postgres`,
    default_pool_size: 15,
    max_client_conn: 200,
    pool_mode: 'transaction',
  });

  const state: FakeState = {
    project: {
      id: ref,
      ref,
      organization_id: 'orgabcdefghijklmnop',
      organization_slug: 'acme-crm',
      name: 'crm-production',
      region: 'eu-central-1',
      created_at: '2025-01-01T00:00:00Z',
      status: 'ACTIVE_HEALTHY',
      database: { host: `db.${ref}.supabase.co`, version: '15.8.1.085', postgres_engine: '15', release_channel: 'ga' },
    },
    backups: {
      region: 'eu-central-1',
      walg_enabled: true,
      pitr_enabled: true,
      backups: [
        { id: 101, is_physical_backup: true, status: 'COMPLETED', inserted_at: '2026-11-18T04:00:00.000Z' },
        { id: 102, is_physical_backup: true, status: 'COMPLETED', inserted_at: '2026-11-19T04:00:00.000Z' },
      ],
      physical_backup_data: { earliest_physical_backup_date_unix: 1_763_000_000, latest_physical_backup_date_unix: 1_763_600_000 },
    },
    schedule: { schedule_for: '04:00:00', updated_at: now },
    scheduleAllowed: true,
    pooler: [endpoint(ref, 'PRIMARY')],
    postgresConfig: { max_connections: 100, statement_timeout: '60s' },
    network: { entitlement: 'allowed', config: { dbAllowedCidrs: ['0.0.0.0/0'], dbAllowedCidrsV6: ['::/0'] }, status: 'applied', applied_at: now, updated_at: now },
    networkReview: true,
    advisorsV2: true,
    bans: [],
    advisors: [
      {
        name: 'rls_disabled_in_public',
        title: 'RLS Disabled in Public',
        level: 'ERROR',
        facing: 'EXTERNAL',
        categories: ['SECURITY'],
        description: 'Detects cases where row level security (RLS) has not been enabled on tables in schemas exposed to PostgREST',
        detail: 'Table `public.leads` is public, but RLS has not been enabled.',
        remediation: 'https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public',
        metadata: { schema: 'public', name: 'leads', type: 'table' },
        cache_key: 'rls_disabled_in_public_public_leads',
      },
    ],
    ssl: { currentConfig: { database: false }, appliedSuccessfully: true },
    queryRows: [],
    restoreFails: false,
    queries: [],
    handle(op, body, query) {
      const b = (body ?? {}) as Json;
      switch (op.operationId) {
        case 'v1-get-project':
          tick('restore');
          return { status: 200, body: state.project };
        case 'v1-list-all-backups':
          return { status: 200, body: state.backups };
        case 'v1-restore-physical-backup': {
          const found = state.backups.backups.find((x) => x.id === b.id);
          if (!found) return { status: 404, body: { message: `Backup ${String(b.id)} not found` } };
          return startRestore();
        }
        case 'v1-restore-pitr-backup': {
          const t = Number(b.recovery_time_target_unix);
          const { earliest_physical_backup_date_unix: lo, latest_physical_backup_date_unix: hi } = state.backups.physical_backup_data as { earliest_physical_backup_date_unix: number; latest_physical_backup_date_unix: number };
          if (!state.backups.pitr_enabled) return { status: 400, body: { message: 'Point in time recovery is not enabled for this project' } };
          if (t < lo || t > hi) return { status: 422, body: { message: `recovery_time_target_unix must be between ${lo} and ${hi}` } };
          return startRestore();
        }
        case 'v1-get-backup-schedule':
          if (!state.scheduleAllowed) return { status: 402, body: { message: 'Feature requires a higher plan' } };
          if (!state.schedule) return { status: 404, body: { message: 'Backup schedule not found' } };
          return { status: 200, body: state.schedule };
        case 'v1-update-backup-schedule': {
          if (!state.scheduleAllowed) return { status: 402, body: { message: 'Feature requires a higher plan' } };
          const at = String(b.schedule_for);
          if (!/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(at)) return { status: 400, body: { message: 'Invalid schedule_for format' } };
          state.schedule = { schedule_for: at, updated_at: new Date().toISOString() };
          return { status: 200, body: state.schedule };
        }
        case 'v1-get-pooler-config':
          tick('replica');
          return { status: 200, body: state.pooler };
        case 'v1-setup-a-read-replica': {
          const region = String(b.read_replica_region);
          const id = `${ref}-rr-${region}-${Math.random().toString(36).slice(2, 7).replace(/[^a-z]/g, 'x')}`;
          pending.replica = { left: polls, finish: () => state.pooler.push(endpoint(id, 'READ_REPLICA')) };
          return { status: 201 };
        }
        case 'v1-remove-a-read-replica': {
          const id = String(b.database_identifier);
          const before = state.pooler.length;
          state.pooler = state.pooler.filter((e) => !(e.identifier === id && e.database_type === 'READ_REPLICA'));
          if (state.pooler.length === before) return { status: 404, body: { message: `Read replica ${id} not found` } };
          return { status: 201 };
        }
        case 'v1-get-postgres-config':
          return { status: 200, body: state.postgresConfig };
        case 'v1-update-postgres-config': {
          const { restart_database: _restart, ...rest } = b;
          state.postgresConfig = rest;
          return { status: 200, body: state.postgresConfig };
        }
        case 'v1-get-network-restrictions':
          tick('network');
          return { status: 200, body: state.network };
        case 'v1-patch-network-restrictions': {
          const add = (b.add ?? {}) as { dbAllowedCidrs?: string[]; dbAllowedCidrsV6?: string[] };
          const remove = (b.remove ?? {}) as { dbAllowedCidrs?: string[]; dbAllowedCidrsV6?: string[] };
          const old = structuredClone(state.network.config);
          const v4 = new Set(old.dbAllowedCidrs);
          const v6 = new Set(old.dbAllowedCidrsV6);
          for (const c of add.dbAllowedCidrs ?? []) v4.add(c);
          for (const c of add.dbAllowedCidrsV6 ?? []) v6.add(c);
          for (const c of remove.dbAllowedCidrs ?? []) v4.delete(c);
          for (const c of remove.dbAllowedCidrsV6 ?? []) v6.delete(c);
          const config = { dbAllowedCidrs: [...v4], dbAllowedCidrsV6: [...v6] };
          // A newer request supersedes an older pending one; its time is what a review names.
          if (state.networkReview) {
            const at = new Date(Math.max(Date.now(), Date.parse(state.network.pending_change?.requested_at ?? '1970-01-01') + 1)).toISOString();
            state.network.pending_change = { config, requested_at: at, requested_by: 'agentdeck' };
          } else applyNetwork(config, old);
          const v2 = (c: { dbAllowedCidrs: string[]; dbAllowedCidrsV6: string[] }) => ({
            dbAllowedCidrs: [
              ...c.dbAllowedCidrs.map((address) => ({ address, type: 'v4' })),
              ...c.dbAllowedCidrsV6.map((address) => ({ address, type: 'v6' })),
            ],
          });
          return {
            status: 200,
            body: { entitlement: state.network.entitlement, config: v2(config), old_config: v2(old), status: 'stored', updated_at: state.network.updated_at },
          };
        }
        case 'v1-read-only-query':
        case 'v1-run-a-query': {
          const sql = String(b.query);
          state.queries.push(sql);
          const hit = state.queryRows.find((q) => sql.includes(q.match));
          return { status: 201, body: hit ? hit.rows : [] };
        }
        case 'v1-review-network-restrictions': {
          const change = state.network.pending_change;
          if (!change) return { status: 404, body: { message: 'No pending network restrictions change' } };
          if (b.requested_at !== change.requested_at) return { status: 409, body: { message: `The change requested at ${String(b.requested_at)} was superseded by the one requested at ${change.requested_at}` } };
          delete state.network.pending_change;
          if (b.action === 'apply') applyNetwork(change.config, structuredClone(state.network.config));
          return { status: 200, body: { entitlement: state.network.entitlement, config: state.network.config, status: state.network.status, updated_at: state.network.updated_at } };
        }
        case 'v2-run-advisors':
          if (!state.advisorsV2) return { status: 404, body: { message: 'Cannot POST /v2/projects/' + ref + '/advisors/run' } };
          return { status: 200, body: { lints: state.advisors } };
        case 'v1-get-security-advisors':
          void query;
          return { status: 200, body: { lints: state.advisors } };
        case 'v1-get-performance-advisors':
          return { status: 200, body: { lints: [] } };
        case 'v1-list-all-network-bans':
          return { status: 201, body: { banned_ipv4_addresses: state.bans } };
        case 'v1-get-ssl-enforcement-config':
          return { status: 200, body: state.ssl };
        default:
          return { status: 501, body: { message: `the fake does not implement ${op.operationId}` } };
      }
    },
  };

  function applyNetwork(config: FakeState['network']['config'], old: Json): void {
    state.network = { ...state.network, config, old_config: old, status: 'stored', updated_at: new Date().toISOString() };
    pending.network = {
      left: polls,
      finish: () => {
        state.network.status = 'applied';
        state.network.applied_at = new Date().toISOString();
        delete state.network.old_config;
      },
    };
  }

  function startRestore(): Answer {
    state.project.status = 'RESTORING';
    pending.restore = { left: polls, finish: () => (state.project.status = state.restoreFails ? 'RESTORE_FAILED' : 'ACTIVE_HEALTHY') };
    return { status: 201 };
  }

  return state;
}
