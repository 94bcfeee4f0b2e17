// How Ops results print with `--output table` (json and yaml print the data whole).
import type { Column } from '../../services/format/output.js';
import type { BackupRecord } from './backup-records.js';
import type { Finding, PolicyRow } from './security-lints.js';

export interface BackupView {
  readonly id: string;
  readonly source: 'platform' | 'agentdeck';
  readonly kind: string;
  readonly status: string;
  readonly createdAt: string;
  readonly sizeBytes: number | null;
  readonly checksum: string | null;
  readonly label: string | null;
  readonly path: string | null;
}

export function humanBytes(n: number | null): string {
  if (n === null) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function backupView(r: BackupRecord): BackupView {
  return {
    id: r.id,
    source: 'agentdeck',
    kind: r.kind,
    status: r.status,
    createdAt: r.createdAt,
    sizeBytes: r.sizeBytes,
    checksum: r.checksum,
    label: typeof r.meta.label === 'string' ? r.meta.label : null,
    path: r.path,
  };
}

export const BACKUP_COLUMNS: readonly Column<BackupView>[] = [
  { header: 'id', value: 'id' },
  { header: 'source', value: 'source' },
  { header: 'kind', value: 'kind' },
  { header: 'status', value: 'status' },
  { header: 'created', value: 'createdAt' },
  { header: 'size', value: (b) => humanBytes(b.sizeBytes) },
  { header: 'label', value: 'label', max: 40 },
];

export interface ScheduleView {
  readonly time: string;
  readonly target: string;
  readonly keep: number | null;
  readonly lastRun: string | null;
  readonly updatedAt: string | null;
}

export const SCHEDULE_COLUMNS: readonly Column<ScheduleView>[] = [
  { header: 'time (utc)', value: 'time' },
  { header: 'target', value: 'target' },
  { header: 'keep', value: 'keep' },
  { header: 'last run', value: 'lastRun' },
  { header: 'updated', value: 'updatedAt' },
];

export interface ReplicaView {
  readonly id: string;
  readonly region: string;
  readonly host: string;
  readonly port: number;
  readonly poolMode: string;
}

export const REPLICA_COLUMNS: readonly Column<ReplicaView>[] = [
  { header: 'id', value: 'id' },
  { header: 'region', value: 'region' },
  { header: 'host', value: 'host' },
  { header: 'port', value: 'port' },
  { header: 'pool mode', value: 'poolMode' },
];

export interface CidrView {
  readonly cidr: string;
  readonly family: 'IPv4' | 'IPv6';
  readonly status: string;
}

export const CIDR_COLUMNS: readonly Column<CidrView>[] = [
  { header: 'cidr', value: 'cidr' },
  { header: 'family', value: 'family' },
  { header: 'status', value: 'status' },
];

export const POLICY_COLUMNS: readonly Column<PolicyRow>[] = [
  { header: 'table', value: (p) => `${p.schema}.${p.table}` },
  { header: 'policy', value: 'policy', max: 40 },
  { header: 'cmd', value: 'cmd' },
  { header: 'roles', value: 'roles', max: 30 },
  { header: 'using', value: 'qual', max: 40 },
  { header: 'with check', value: 'with_check', max: 40 },
];

export const FINDING_COLUMNS: readonly Column<Finding>[] = [
  { header: 'level', value: 'level' },
  { header: 'lint', value: 'name' },
  { header: 'object', value: 'object', max: 50 },
  { header: 'remediation', value: 'remediation', max: 90 },
];

export interface ConfigChangeView {
  readonly key: string;
  readonly from: unknown;
  readonly to: unknown;
}

export const CONFIG_COLUMNS: readonly Column<ConfigChangeView>[] = [
  { header: 'setting', value: 'key' },
  { header: 'current', value: 'from' },
  { header: 'new', value: 'to' },
];
