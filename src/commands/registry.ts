// THE command registry: every command once, assembled from the group files in defs/.
import type { Command } from './define.js';
import * as tickets from './defs/tickets.js';
import * as bugs from './defs/bugs.js';
import * as generate from './defs/generate.js';
import * as migrate from './defs/migrate.js';
import * as db from './defs/db.js';
import * as deploy from './defs/deploy.js';
import * as runs from './defs/runs.js';
import * as backup from './defs/backup.js';
import * as network from './defs/network.js';
import * as security from './defs/security.js';
import * as system from './defs/system.js';
import * as agents from './defs/agents.js';
import * as emergency from './defs/emergency.js';
import * as integrations from './defs/integrations.js';
import * as meta from './defs/meta.js';

function isCommand(value: unknown): value is Command {
  return typeof value === 'object' && value !== null && 'words' in value && 'schema' in value && 'agent' in value;
}

const MODULES = [tickets, bugs, generate, migrate, db, deploy, runs, backup, network, security, system, agents, emergency, integrations, meta];

/**
 * Every command, in group order (tickets and work first, the console's own commands last), by id
 * within a group (a module namespace lists its exports alphabetically, not as written).
 */
export const COMMANDS: readonly Command[] = MODULES.flatMap((m) =>
  Object.values(m)
    .filter(isCommand)
    .sort((a, b) => (a.id < b.id ? -1 : 1)),
);

const BY_ID = new Map<string, Command>(COMMANDS.map((c) => [c.id, c]));

/** The command with this id (`'backup schedule create'`); case and spacing do not matter. */
export function findCommand(id: string): Command | undefined {
  return BY_ID.get(id.trim().toLowerCase().split(/\s+/).join(' '));
}
