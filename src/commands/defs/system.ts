// System administration (seed 5.2): overall status and logs, system backups and restores.
import { arg, defineCommand } from '../define.js';
import { dryRunFlag, levelFlag, limitFlag, outputFlag, plainId } from './shared.js';

export const systemStatus = defineCommand({
  id: 'system status',
  args: [],
  flags: [outputFlag],
  summary: 'Complete system health',
  help: 'Shows the credentials and services (ok, not configured or failing with the reason), agents, queue, locks, the state database and the last deployment.',
  examples: ['system status', 'system status --output json'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});

export const systemLogs = defineCommand({
  id: 'system logs',
  args: [],
  flags: [levelFlag, limitFlag, outputFlag],
  summary: 'System logs of every agent',
  help: 'Prints the recorded log lines of all agents, newest last; --level error shows errors only.',
  examples: ['system logs --level error', 'system logs --limit 50'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});

export const systemBackupCreate = defineCommand({
  id: 'system backup create',
  args: [],
  flags: [],
  summary: 'Create a backup',
  help: 'Takes a backup of the target database now (the same as "backup create").',
  examples: ['system backup create'],
  agent: 'ops',
  approval: null,
  mode: 'run',
});

export const systemRestoreFrom = defineCommand({
  id: 'system restore from',
  args: [arg('id', 'word', plainId, { description: 'The backup to restore', accepts: 'a backup id as listed by "backup list"' })],
  flags: [dryRunFlag],
  summary: 'Restore from a backup',
  help: 'Overwrites the target database with the backup (the same as "backup restore") after an approval confirmed by typing the backup id.',
  examples: ['system restore from bk-20261120-143022'],
  agent: 'ops',
  approval: 'databaseDestructive',
  confirm: 'typed',
  mode: 'run',
  destructive: true,
});
