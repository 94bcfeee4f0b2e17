// The Postgres settings the platform accepts (UpdatePostgresConfigBody of the spec), with their
// types, so `db config set key=value` is checked here before anything is sent.
import type { PostgresConfigUpdate } from '../../services/supabase/platform.js';

type Setting =
  | { readonly type: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'duration' }
  | { readonly type: 'size' };

const DURATION = /^(-?[0-9]+(?:\.[0-9]+)?)(us|ms|s|min|h|d)?$/;
const SIZE = /^[0-9]+(?:\.[0-9]+)?\s*(B|kB|KB|MB|GB|TB)?$/;

export const POSTGRES_SETTINGS = {
  effective_cache_size: { type: 'size' },
  logical_decoding_work_mem: { type: 'size' },
  maintenance_work_mem: { type: 'size' },
  track_activity_query_size: { type: 'size' },
  max_connections: { type: 'integer', min: 1, max: 262143 },
  max_locks_per_transaction: { type: 'integer', min: 10, max: 2147483640 },
  max_parallel_maintenance_workers: { type: 'integer', min: 0, max: 1024 },
  max_parallel_workers: { type: 'integer', min: 0, max: 1024 },
  max_parallel_workers_per_gather: { type: 'integer', min: 0, max: 1024 },
  max_replication_slots: { type: 'integer', min: 0 },
  max_slot_wal_keep_size: { type: 'size' },
  max_standby_archive_delay: { type: 'duration' },
  max_standby_streaming_delay: { type: 'duration' },
  max_wal_size: { type: 'size' },
  max_wal_senders: { type: 'integer', min: 0 },
  max_worker_processes: { type: 'integer', min: 0, max: 262143 },
  session_replication_role: { type: 'enum', values: ['origin', 'replica', 'local'] },
  shared_buffers: { type: 'size' },
  statement_timeout: { type: 'duration' },
  track_commit_timestamp: { type: 'boolean' },
  wal_keep_size: { type: 'size' },
  wal_sender_timeout: { type: 'duration' },
  work_mem: { type: 'size' },
  checkpoint_timeout: { type: 'duration' },
  hot_standby_feedback: { type: 'boolean' },
  restart_database: { type: 'boolean' },
} as const satisfies Record<keyof PostgresConfigUpdate, Setting>;

export type SettingKey = keyof typeof POSTGRES_SETTINGS;

function describe(s: Setting): string {
  switch (s.type) {
    case 'integer':
      return `a whole number${s.min !== undefined ? ` from ${s.min}` : ''}${s.max !== undefined ? ` to ${s.max}` : ''}`;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return s.values.join(', ');
    case 'duration':
      return 'a duration such as 30s, 500ms or 5min';
    case 'size':
      return 'a size such as 64MB or 1GB';
  }
}

/** Parses `key=value` pairs into the platform's body; the first problem is one clear line. */
export function parseSettings(pairs: Readonly<Record<string, string>>): { ok: true; values: PostgresConfigUpdate } | { ok: false; error: string } {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(pairs)) {
    const setting = (POSTGRES_SETTINGS as Record<string, Setting>)[key];
    if (!setting) {
      return { ok: false, error: `${key} is not a setting the platform accepts (accepted: ${Object.keys(POSTGRES_SETTINGS).join(', ')})` };
    }
    const bad = { ok: false as const, error: `${key}=${raw}: expected ${describe(setting)}` };
    switch (setting.type) {
      case 'integer': {
        if (!/^-?\d+$/.test(raw)) return bad;
        const n = Number(raw);
        if ((setting.min !== undefined && n < setting.min) || (setting.max !== undefined && n > setting.max)) return bad;
        out[key] = n;
        break;
      }
      case 'boolean':
        if (!/^(true|false|on|off)$/i.test(raw)) return bad;
        out[key] = /^(true|on)$/i.test(raw);
        break;
      case 'enum':
        if (!setting.values.includes(raw)) return bad;
        out[key] = raw;
        break;
      case 'duration':
        if (!DURATION.test(raw)) return bad;
        out[key] = raw;
        break;
      case 'size':
        if (!SIZE.test(raw)) return bad;
        out[key] = raw.replace(/\s+/g, '');
        break;
    }
  }
  return { ok: true, values: out as PostgresConfigUpdate };
}
