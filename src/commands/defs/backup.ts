// Ops: backups, schedules and point-in-time recovery (seed 000, "Backup & Recovery").
import * as z from 'zod';
import { arg, defineCommand, flag } from '../define.js';
import { dryRunFlag, outputFlag, plainId } from './shared.js';

const backupId = arg('id', 'word', plainId, { description: 'The backup id', accepts: 'a backup id as listed by "backup list"' });

export const backupList = defineCommand({
  id: 'backup list',
  args: [],
  flags: [outputFlag],
  summary: 'List backups',
  help: "Lists the target's backups: the linked project's platform backups (and the dumps agentdeck made of it), or the local checksummed archives under .agentdeck/backups/. The target is the linked project when SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF are set (AGENTDECK_OPS_TARGET=local keeps the local database), else the local database.",
  examples: ['backup list', 'backup list --output json'],
  agent: 'ops',
  approval: null,
  mode: 'query',
});

export const backupGet = defineCommand({
  id: 'backup get',
  args: [backupId],
  flags: [outputFlag],
  summary: 'Backup details',
  help: 'Shows one backup: when, size, kind, status and checksum.',
  examples: ['backup get bk-20261120-143022'],
  agent: 'ops',
  approval: null,
  mode: 'query',
});

export const backupCreate = defineCommand({
  id: 'backup create',
  args: [],
  flags: [
    flag('label', 'string', z.string().trim().min(1).max(80).optional(), {
      description: 'A label stored with the backup',
      accepts: 'a short text',
      placeholder: '<text>',
    }),
    outputFlag,
  ],
  summary: 'On-demand backup',
  help: "Takes a backup now: a checksummed archive for the local database, or a logical dump (pg_dump whose major version is at least the server's) for a linked project, through its direct connection SUPABASE_DB_URL (the platform's own schemas are left out). AGENTDECK_PG_BIN picks the PostgreSQL client tools.",
  examples: ['backup create', 'backup create --label "before pricing migration"'],
  agent: 'ops',
  approval: null,
  mode: 'run',
});

export const backupDelete = defineCommand({
  id: 'backup delete',
  args: [backupId],
  flags: [outputFlag],
  summary: 'Delete a backup',
  help: 'Deletes a backup agentdeck made itself, after an approval.',
  examples: ['backup delete bk-20261120-143022'],
  agent: 'ops',
  approval: 'databaseDestructive',
  confirm: 'dialog',
  mode: 'run',
  destructive: true,
});

export const backupRestore = defineCommand({
  id: 'backup restore',
  args: [backupId],
  flags: [dryRunFlag, outputFlag],
  summary: 'Restore from a backup',
  help: 'Overwrites the target database with the backup after an approval confirmed by typing the backup id. Local restores verify the checksum and take a safety backup first; platform restores are followed until they finish.',
  examples: ['backup restore bk-20261120-143022'],
  agent: 'ops',
  approval: 'databaseDestructive',
  confirm: 'typed',
  mode: 'run',
  destructive: true,
});

export const backupScheduleList = defineCommand({
  id: 'backup schedule list',
  args: [],
  flags: [outputFlag],
  summary: 'List backup schedules',
  help: 'Shows the daily backup times (UTC).',
  examples: ['backup schedule list'],
  agent: 'ops',
  approval: null,
  mode: 'query',
});

export const backupScheduleCreate = defineCommand({
  id: 'backup schedule create',
  args: [
    arg('time', 'word', z.string().regex(/^(?:[01]?\d|2[0-3]):[0-5]\d$/).transform((t) => t.padStart(5, '0')), {
      description: 'The daily time, UTC',
      accepts: 'a time of day HH:MM (UTC) such as 03:30',
    }),
  ],
  flags: [
    flag('keep', 'number', z.number().int().min(1).max(365).optional(), {
      description: 'How many scheduled backups to keep (local target)',
      accepts: 'a whole number from 1 to 365',
      placeholder: '<n>',
    }),
    outputFlag,
  ],
  summary: 'Create a daily backup schedule',
  help: 'Schedules a daily backup at the given UTC time. Local schedules run in the console and with "agentdeck backup run-scheduled" from cron.',
  examples: ['backup schedule create 03:30', 'backup schedule create 23:00 --keep 14'],
  agent: 'ops',
  approval: null,
  mode: 'run',
});

/** An ISO 8601 time with a zone, normalized to UTC (`2026-11-20T14:30:00.000Z`). */
export const isoTime = z.iso
  .datetime({ offset: true })
  .refine((s) => !Number.isNaN(Date.parse(s)))
  .transform((s) => new Date(s).toISOString());

export const backupPitrRestore = defineCommand({
  id: 'backup pitr restore',
  args: [],
  flags: [
    flag('time', 'string', isoTime, {
      description: 'The moment to restore to',
      accepts: 'an ISO 8601 time with a zone such as 2026-11-20T14:30:00Z',
      placeholder: '<iso-time>',
    }),
    dryRunFlag,
    outputFlag,
  ],
  summary: 'Point-in-time restore',
  help: 'Restores the linked project to the given moment (needs the PITR add-on; the platform refuses times outside the window) after an approval confirmed by typing the project ref.',
  examples: ['backup pitr restore --time 2026-11-20T14:30:00Z'],
  agent: 'ops',
  approval: 'databaseDestructive',
  confirm: 'typed',
  mode: 'run',
  destructive: true,
});
