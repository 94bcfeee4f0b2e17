// The Management API operations Ops uses, one function each, typed by the generated spec types.
import type { components } from './management-api.js';
import type { components as newerComponents } from './management-api-newer.js';
import type { ManagementClient } from './management-client.js';
import { ManagementApiError } from './management-errors.js';

type Schemas = components['schemas'];
/** Newer than the vendored spec: hand-written from the Supabase CLI 3.1 client (management-api-newer.d.ts). */
type NewerSchemas = newerComponents['schemas'];
export type NetworkPendingChange = NewerSchemas['NetworkRestrictionsPendingChange'];
export type ReviewAction = NewerSchemas['NetworkRestrictionsReviewBody']['action'];
export type RunLint = NewerSchemas['AdvisorsRunLint'];
export type PlatformBackups = Schemas['V1BackupsResponse'];
export type PlatformBackup = PlatformBackups['backups'][number];
export type BackupSchedule = Schemas['V1BackupScheduleResponse'];
export type PoolerConfig = Schemas['SupavisorConfigResponse'];
export type PostgresConfig = Schemas['PostgresConfigResponse'];
export type PostgresConfigUpdate = Schemas['UpdatePostgresConfigBody'];
/** The restrictions, with the change waiting for a review when there is one (newer than the vendored spec). */
export type NetworkRestrictions = Schemas['NetworkRestrictionsResponse'] & { pending_change?: NetworkPendingChange };
export type NetworkRestrictionsV2 = Schemas['NetworkRestrictionsV2Response'];
export type CidrChange = Schemas['NetworkRestrictionsPatchRequest'];
export type AdvisorLint = Schemas['V1ProjectAdvisorsResponse']['lints'][number];
export type SslEnforcement = Schemas['SslEnforcementResponse'];
export type Project = Schemas['V1ProjectWithDatabaseResponse'];
export type ReplicaRegion = Schemas['SetUpReadReplicaBody']['read_replica_region'];

export const REPLICA_REGIONS: readonly ReplicaRegion[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-east-1', 'ap-southeast-1', 'ap-northeast-1',
  'ap-northeast-2', 'ap-southeast-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'eu-central-1',
  'eu-central-2', 'ca-central-1', 'ap-south-1', 'sa-east-1',
];

export function platform(client: ManagementClient) {
  const ref = client.projectRef;
  const path = () => ({ path: { ref: ref() } });
  return {
    getProject: () => client.call('read the project', (signal) => client.api.GET('/v1/projects/{ref}', { params: path(), signal })),
    listBackups: () =>
      client.call('list backups', (signal) => client.api.GET('/v1/projects/{ref}/database/backups', { params: path(), signal })),
    restoreBackup: (id: number) =>
      client.call('restore backup', (signal) =>
        client.api.POST('/v1/projects/{ref}/database/backups/restore', { params: path(), body: { id }, signal }),
      ),
    restorePitr: (unixSeconds: number) =>
      client.call('point-in-time restore', (signal) =>
        client.api.POST('/v1/projects/{ref}/database/backups/restore-pitr', {
          params: path(),
          body: { recovery_time_target_unix: unixSeconds },
          signal,
        }),
      ),
    getSchedule: () =>
      client.call('read the backup schedule', (signal) =>
        client.api.GET('/v1/projects/{ref}/database/backups/schedule', { params: path(), signal }),
      ),
    setSchedule: (hhmmss: string) =>
      client.call('set the backup schedule', (signal) =>
        client.api.PATCH('/v1/projects/{ref}/database/backups/schedule', { params: path(), body: { schedule_for: hhmmss }, signal }),
      ),
    listPooler: () =>
      client.call('list database endpoints', (signal) =>
        client.api.GET('/v1/projects/{ref}/config/database/pooler', { params: path(), signal }),
      ),
    setupReplica: (region: ReplicaRegion) =>
      client.call('set up a read replica', (signal) =>
        client.api.POST('/v1/projects/{ref}/read-replicas/setup', { params: path(), body: { read_replica_region: region }, signal }),
      ),
    removeReplica: (identifier: string) =>
      client.call('remove the read replica', (signal) =>
        client.api.POST('/v1/projects/{ref}/read-replicas/remove', { params: path(), body: { database_identifier: identifier }, signal }),
      ),
    getPostgresConfig: () =>
      client.call('read the Postgres config', (signal) =>
        client.api.GET('/v1/projects/{ref}/config/database/postgres', { params: path(), signal }),
      ),
    putPostgresConfig: (body: PostgresConfigUpdate) =>
      client.call('update the Postgres config', (signal) =>
        client.api.PUT('/v1/projects/{ref}/config/database/postgres', { params: path(), body, signal }),
      ),
    getNetworkRestrictions: (): Promise<NetworkRestrictions> =>
      client.call('read network restrictions', (signal) =>
        client.api.GET('/v1/projects/{ref}/network-restrictions', { params: path(), signal }),
      ),
    patchNetworkRestrictions: (change: CidrChange) =>
      client.call('change network restrictions', (signal) =>
        client.api.PATCH('/v1/projects/{ref}/network-restrictions', { params: path(), body: change, signal }),
      ),
    /**
     * Runs SQL on the project's database; the platform answers the rows as a JSON array. Reads go
     * through the read-only endpoint (as supabase_read_only_user), so a read can never write.
     */
    runQuery: async (query: string, readOnly = true): Promise<Record<string, unknown>[]> => {
      const rows: unknown = readOnly
        ? await client.call('run a read-only query', (signal) =>
            client.api.POST('/v1/projects/{ref}/database/query/read-only', { params: path(), body: { query }, signal, parseAs: 'json' }),
          )
        : await client.call('run a query', (signal) =>
            client.api.POST('/v1/projects/{ref}/database/query', { params: path(), body: { query, read_only: false }, signal, parseAs: 'json' }),
          );
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
    reviewNetworkRestrictions: (action: ReviewAction, requestedAt: string) =>
      client.call(`${action} the pending network restrictions change`, (signal) =>
        client.api.POST('/v1/projects/{ref}/network-restrictions/review', { params: path(), body: { action, requested_at: requestedAt }, signal }),
      ),
    securityAdvisors: () =>
      client.call('read the security advisors', (signal) =>
        client.api.GET('/v1/projects/{ref}/advisors/security', { params: path(), signal }),
      ),
    /**
     * The advisors' lints: the v2 run endpoint when it answers, else the v1 security and
     * performance endpoints (a platform without v2 answers 404, 405 or 501). `via` says which.
     */
    runAdvisors: async (categories: readonly ('SECURITY' | 'PERFORMANCE')[]): Promise<{ lints: (AdvisorLint | RunLint)[]; via: 'v2' | 'v1' }> => {
      try {
        const r = await client.call('run the advisors', (signal) => client.api.POST('/v2/projects/{ref}/advisors/run', { params: path(), body: {}, signal }));
        return { lints: r.lints, via: 'v2' };
      } catch (error) {
        if (!(error instanceof ManagementApiError) || ![404, 405, 501].includes(error.status ?? 0)) throw error;
      }
      const lints: AdvisorLint[] = [];
      for (const c of categories) {
        const r =
          c === 'SECURITY'
            ? await client.call('read the security advisors', (signal) => client.api.GET('/v1/projects/{ref}/advisors/security', { params: path(), signal }))
            : await client.call('read the performance advisors', (signal) => client.api.GET('/v1/projects/{ref}/advisors/performance', { params: path(), signal }));
        lints.push(...r.lints);
      }
      return { lints, via: 'v1' };
    },
    networkBans: () =>
      client.call('read network bans', (signal) => client.api.POST('/v1/projects/{ref}/network-bans/retrieve', { params: path(), signal })),
    sslEnforcement: () =>
      client.call('read SSL enforcement', (signal) => client.api.GET('/v1/projects/{ref}/ssl-enforcement', { params: path(), signal })),
  };
}

export type Platform = ReturnType<typeof platform>;
