// The Management API operations Ops uses, one function each, typed by the generated spec types.
import type { components } from './management-api.js';
import type { ManagementClient } from './management-client.js';

type Schemas = components['schemas'];
export type PlatformBackups = Schemas['V1BackupsResponse'];
export type PlatformBackup = PlatformBackups['backups'][number];
export type BackupSchedule = Schemas['V1BackupScheduleResponse'];
export type PoolerConfig = Schemas['SupavisorConfigResponse'];
export type PostgresConfig = Schemas['PostgresConfigResponse'];
export type PostgresConfigUpdate = Schemas['UpdatePostgresConfigBody'];
export type NetworkRestrictions = Schemas['NetworkRestrictionsResponse'];
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
    getNetworkRestrictions: () =>
      client.call('read network restrictions', (signal) =>
        client.api.GET('/v1/projects/{ref}/network-restrictions', { params: path(), signal }),
      ),
    patchNetworkRestrictions: (change: CidrChange) =>
      client.call('change network restrictions', (signal) =>
        client.api.PATCH('/v1/projects/{ref}/network-restrictions', { params: path(), body: change, signal }),
      ),
    /** Runs SQL on the project's database; the platform answers the rows as a JSON array. */
    runQuery: async (query: string, readOnly = true): Promise<Record<string, unknown>[]> => {
      const rows: unknown = await client.call('run a query', (signal) =>
        client.api.POST('/v1/projects/{ref}/database/query', { params: path(), body: { query, read_only: readOnly }, signal, parseAs: 'json' }),
      );
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
    securityAdvisors: () =>
      client.call('read the security advisors', (signal) =>
        client.api.GET('/v1/projects/{ref}/advisors/security', { params: path(), signal }),
      ),
    sslEnforcement: () =>
      client.call('read SSL enforcement', (signal) => client.api.GET('/v1/projects/{ref}/ssl-enforcement', { params: path(), signal })),
  };
}

export type Platform = ReturnType<typeof platform>;
