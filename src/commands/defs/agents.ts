// Agent management (seed 5.2).
import * as z from 'zod';
import { arg, defineCommand, flag } from '../define.js';
import { configPairs } from './db.js';

export const agentsRestartAll = defineCommand({
  id: 'agents restart all',
  args: [],
  flags: [],
  summary: 'Restart all agents',
  help: 'Stops every agent instance at a safe point and starts fresh ones; interrupted runs can be resumed.',
  examples: ['agents restart all'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
  control: true,
});

export const agentsUpdateConfig = defineCommand({
  id: 'agents update config',
  args: [
    arg('settings', 'rest', configPairs.optional(), {
      description: 'Settings to change as key=value pairs (omit to reload agentdeck.config.json)',
      accepts: 'key=value pairs such as concurrency.bughunter=2',
    }),
  ],
  flags: [],
  summary: 'Update agent config',
  help: 'Reloads the agents\' configuration from agentdeck.config.json, or changes the given settings; governed by agentConfigChange (no approval by default). A change that lowers a guard (an approvals.policy key turned off, a longer approvals.ttlMinutes, changed deploy or test commands, including hand edits of the file) always needs an approval confirmed by typing the project name.',
  examples: ['agents update config', 'agents update config concurrency.bughunter=2'],
  agent: 'orchestrator',
  approval: 'agentConfigChange',
  confirm: 'dialog',
  mode: 'run',
});

export const agentsPurgeLogs = defineCommand({
  id: 'agents purge logs',
  args: [],
  flags: [
    flag('older-than', 'number', z.number().int().min(0).max(3650).default(30), {
      description: 'Keep the last this many days (default 30)',
      accepts: 'a number of days from 0 to 3650',
      placeholder: '<days>',
    }),
  ],
  summary: 'Clean up logs',
  help: 'Deletes recorded log events older than the given number of days. The audit trail is never purged.',
  examples: ['agents purge logs', 'agents purge logs --older-than 7'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
  destructive: true,
});
