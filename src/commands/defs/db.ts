// Database administration: maintenance (Migrator), replicas, config and backups (Ops).
import * as z from 'zod';
import { arg, defineCommand, flag } from '../define.js';
import { dryRunFlag, outputFlag, plainId } from './shared.js';

/** Regions where the platform can place a read replica (SetUpReadReplicaBody in the Management API spec). */
export const REPLICA_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-east-1', 'ap-southeast-1', 'ap-northeast-1',
  'ap-northeast-2', 'ap-southeast-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'eu-central-1',
  'eu-central-2', 'ca-central-1', 'ap-south-1', 'sa-east-1',
] as const;

export const dbAnalyzePerformance = defineCommand({
  id: 'db analyze performance',
  args: [],
  flags: [outputFlag],
  summary: 'Find slow queries and index problems',
  help: 'Reports slow queries from pg_stat_statements where present, else tables with heavy sequential scans, unused and duplicate indexes, and bloat estimates.',
  examples: ['db analyze performance'],
  agent: 'migrator',
  approval: null,
  mode: 'run',
});

export const dbOptimizeTable = defineCommand({
  id: 'db optimize table',
  args: [
    arg('name', 'word', z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}(?:\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/), {
      description: 'The table, optionally schema-qualified',
      accepts: 'a table name such as estimates or public.estimates',
    }),
  ],
  flags: [dryRunFlag],
  summary: 'Optimize one table',
  help: 'Plans ANALYZE and REINDEX for the table and runs them after an approval (they take locks).',
  examples: ['db optimize table estimates', 'db optimize table public.estimates --dry-run'],
  agent: 'migrator',
  approval: 'databaseDestructive',
  mode: 'run',
});

export const dbVacuumFull = defineCommand({
  id: 'db vacuum full',
  args: [],
  flags: [dryRunFlag],
  summary: 'Full vacuum',
  help: 'Runs VACUUM FULL, which rewrites every table under an exclusive lock; needs an approval.',
  examples: ['db vacuum full'],
  agent: 'migrator',
  approval: 'databaseDestructive',
  confirm: 'dialog',
  mode: 'run',
});

export const dbCreateBackup = defineCommand({
  id: 'db create backup',
  args: [],
  flags: [],
  summary: 'Immediate backup',
  help: 'Takes a backup of the target database now (the same as "backup create").',
  examples: ['db create backup'],
  agent: 'ops',
  approval: null,
  mode: 'run',
});

export const dbReplicasList = defineCommand({
  id: 'db replicas list',
  args: [],
  flags: [outputFlag],
  summary: 'List read replicas',
  help: 'Lists the linked project\'s read replicas with region and status. Needs a linked Supabase project.',
  examples: ['db replicas list', 'db replicas list --output yaml'],
  agent: 'ops',
  approval: null,
  mode: 'query',
});

export const dbReplicasCreate = defineCommand({
  id: 'db replicas create',
  args: [],
  flags: [
    flag('region', 'string', z.string().transform((s) => s.toLowerCase()).pipe(z.enum(REPLICA_REGIONS)), {
      description: 'Where the replica runs',
      accepts: `a region: ${REPLICA_REGIONS.join(', ')}`,
      placeholder: '<region>',
      choices: REPLICA_REGIONS,
    }),
    outputFlag,
  ],
  summary: 'Create a read replica',
  help: 'Sets up a read replica in the region and follows its progress until it is ready. Needs a linked Supabase project.',
  examples: ['db replicas create --region eu-west-1'],
  agent: 'ops',
  approval: null,
  mode: 'run',
});

export const dbReplicasDelete = defineCommand({
  id: 'db replicas delete',
  args: [arg('id', 'word', plainId, { description: 'The replica\'s database identifier', accepts: 'a replica identifier as listed by "db replicas list"' })],
  flags: [outputFlag],
  summary: 'Delete a read replica',
  help: 'Removes the read replica after an approval.',
  examples: ['db replicas delete abcdefghijklmnopqrst-rr-us-west-1-abcde'],
  agent: 'ops',
  approval: 'databaseDestructive',
  confirm: 'dialog',
  mode: 'run',
  destructive: true,
});

const CONFIG_KEY = /^[a-z_][a-z0-9_.]{0,62}$/;

/** `key=value` words -> an object; each key once. */
export const configPairs = z.array(z.string()).transform((words, ctx) => {
  const out: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    const key = eq > 0 ? word.slice(0, eq).toLowerCase() : '';
    const value = eq > 0 ? word.slice(eq + 1) : '';
    if (!CONFIG_KEY.test(key) || value === '') {
      ctx.addIssue({ code: 'custom', input: word, message: `"${word.slice(0, 60)}" is not a key=value pair: expected a setting such as max_connections=200` });
      return z.NEVER;
    }
    if (key in out) {
      ctx.addIssue({ code: 'custom', input: word, message: `${key} is given twice: give each setting once` });
      return z.NEVER;
    }
    out[key] = value;
  }
  if (words.length === 0) {
    ctx.addIssue({ code: 'custom', input: words, message: 'no settings given: expected key=value pairs such as max_connections=200' });
    return z.NEVER;
  }
  return out;
});

export const dbConfigSet = defineCommand({
  id: 'db config set',
  args: [arg('settings', 'rest', configPairs, { description: 'Postgres settings as key=value pairs', accepts: 'key=value pairs such as max_connections=200' })],
  flags: [dryRunFlag, outputFlag],
  summary: 'Change Postgres configuration',
  help: 'Reads the current overrides, merges the given settings and writes them back (the platform replaces all overrides at once); needs an approval (credentialChange, as configuration changes are governed with credentials).',
  examples: ['db config set max_connections=200 statement_timeout=30s'],
  agent: 'ops',
  approval: 'credentialChange',
  confirm: 'dialog',
  mode: 'run',
});
