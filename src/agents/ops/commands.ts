// Ops: backups, point-in-time restore, read replicas, Postgres config, network restrictions and
// security, on the linked Supabase project or the local database (see context.ts for which).
import { backupCreate, backupDelete, backupGet, backupList, backupPitrRestore, backupRestore, backupScheduleCreate, backupScheduleList } from '../../commands/defs/backup.js';
import { dbConfigSet, dbCreateBackup, dbReplicasCreate, dbReplicasDelete, dbReplicasList } from '../../commands/defs/db.js';
import { emergencyMaintenance } from '../../commands/defs/emergency.js';
import { networkRestrictionsAdd, networkRestrictionsList, networkRestrictionsRm } from '../../commands/defs/network.js';
import { securityAudit, securityPoliciesList } from '../../commands/defs/security.js';
import { systemBackupCreate, systemRestoreFrom } from '../../commands/defs/system.js';
import { handle, type HandlerTable } from '../types.js';
import {
  backupCreateHandler,
  backupDeleteHandler,
  backupGetHandler,
  backupListHandler,
  backupRestoreHandler,
  scheduleCreateHandler,
  scheduleListHandler,
} from './backup-handlers.js';
import { maintenanceHandler } from './maintenance-handler.js';
import {
  configSetHandler,
  networkAddHandler,
  networkListHandler,
  networkRmHandler,
  pitrRestoreHandler,
  replicasCreateHandler,
  replicasDeleteHandler,
  replicasListHandler,
} from './platform-handlers.js';
import { securityAuditHandler, securityPoliciesHandler } from './security-handlers.js';
import { emergencyAccessHandler } from '../notify/emergency-access.js';

export const handlers: HandlerTable = Object.fromEntries([
  handle(backupList, (ctx, a) => backupListHandler(ctx, a)),
  handle(backupGet, (ctx, a) => backupGetHandler(ctx, a)),
  handle(backupCreate, (ctx, a) => backupCreateHandler(ctx, a, backupCreate.id)),
  handle(backupDelete, (ctx, a) => backupDeleteHandler(ctx, a)),
  handle(backupRestore, (ctx, a) => backupRestoreHandler(ctx, a, backupRestore.id)),
  handle(backupScheduleList, (ctx, a) => scheduleListHandler(ctx, a)),
  handle(backupScheduleCreate, (ctx, a) => scheduleCreateHandler(ctx, a)),
  handle(backupPitrRestore, (ctx, a) => pitrRestoreHandler(ctx, a)),
  handle(dbReplicasList, (ctx, a) => replicasListHandler(ctx, a)),
  handle(dbReplicasCreate, (ctx, a) => replicasCreateHandler(ctx, a)),
  handle(dbReplicasDelete, (ctx, a) => replicasDeleteHandler(ctx, a)),
  handle(dbConfigSet, (ctx, a) => configSetHandler(ctx, a)),
  handle(networkRestrictionsList, (ctx, a) => networkListHandler(ctx, a)),
  handle(networkRestrictionsAdd, (ctx, a) => networkAddHandler(ctx, a)),
  handle(networkRestrictionsRm, (ctx, a) => networkRmHandler(ctx, a)),
  handle(securityPoliciesList, (ctx, a) => securityPoliciesHandler(ctx, a)),
  handle(securityAudit, (ctx, a) => securityAuditHandler(ctx, a)),
  // The plan's other phrasings of the same operations (seed 004).
  handle(systemBackupCreate, (ctx) => backupCreateHandler(ctx, {}, systemBackupCreate.id)),
  handle(dbCreateBackup, (ctx) => backupCreateHandler(ctx, {}, dbCreateBackup.id)),
  handle(systemRestoreFrom, (ctx, a) => backupRestoreHandler(ctx, a, systemRestoreFrom.id)),
  handle(emergencyMaintenance, (ctx, a) => maintenanceHandler(ctx, a)),
  emergencyAccessHandler,
]);
