// The console's own commands: status, logs, health, help, dashboard, audit.
import { AGENT_KINDS } from '../types.js';
import { arg, defineCommand, flag } from '../define.js';
import { AGENT_ACCEPTS, agentName, levelFlag, limitFlag, outputFlag, plainId, restText } from './shared.js';

export const status = defineCommand({
  id: 'status',
  args: [],
  flags: [outputFlag],
  summary: 'View all agent status',
  help: 'Shows each agent\'s state, the open tickets and runs with what each waits for, and pending approvals.',
  examples: ['status', 'status --output json'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});

export const logs = defineCommand({
  id: 'logs',
  args: [arg('agent', 'word', agentName.optional(), { description: 'Whose logs (default: every agent)', accepts: AGENT_ACCEPTS, choices: AGENT_KINDS, usage: '<agent>' })],
  flags: [
    levelFlag,
    limitFlag,
    flag('run', 'string', plainId.optional(), { description: 'Only this run', accepts: 'a run id', placeholder: '<run>' }),
    outputFlag,
  ],
  summary: 'View agent logs',
  help: 'Prints the recorded log lines of one agent (or all), oldest first.',
  examples: ['logs bughunter --level error', 'logs --limit 20'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});

export const health = defineCommand({
  id: 'health',
  args: [],
  flags: [outputFlag],
  summary: 'System health check',
  help: 'Checks each configured credential and service in parallel and reports ok, not configured, or failing with the reason (never the secret).',
  examples: ['health', 'health --output yaml'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});

export const help = defineCommand({
  id: 'help',
  args: [arg('command', 'rest', restText(200).optional(), { description: 'A command or group, e.g. "backup" or "backup pitr restore"', accepts: 'a command name', usage: '<command>' })],
  flags: [],
  summary: 'Show commands and their help',
  help: 'Without a command, lists every command by group; with one, shows its usage, flags, examples, agent and approval. "<command> --help" does the same.',
  examples: ['help', 'help backup pitr restore'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});

export const dashboard = defineCommand({
  id: 'dashboard',
  args: [],
  flags: [],
  summary: 'Open the monitoring dashboard',
  help: 'Shows the dashboard: health, active agents, queue, last deployment and recent activity.',
  examples: ['dashboard'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});

export const auditVerify = defineCommand({
  id: 'audit verify',
  args: [],
  flags: [outputFlag],
  summary: 'Verify the audit trail',
  help:
    "Checks the audit trail: each entry's MAC (HMAC-SHA256 under a per-project key kept in the user's config directory, outside the project), the links between entries, and the head against the checkpoint written after each append; reports the first broken link or the missing tail. Restores the append-only triggers when they were dropped, and says so. Entries from before the key existed keep their plain sha256 chain. Limit: someone who holds both the key and the checkpoint (or deletes both along with the trail) can rewrite or roll back the history unnoticed.",
  examples: ['audit verify'],
  agent: 'orchestrator',
  approval: null,
  mode: 'query',
});
