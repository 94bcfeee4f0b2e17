// Emergency commands (seed 4.3 and 5.2): fast paths for production incidents.
import * as z from 'zod';
import { arg, choice, defineCommand, flag } from '../define.js';
import { dryRunFlag, ticketFlag } from './shared.js';

export const emergencyRollbackLastDeployment = defineCommand({
  id: 'emergency rollback last deployment',
  args: [],
  flags: [dryRunFlag],
  summary: 'Roll back the newest deployment',
  help: "Reverts the newest deployment's merge and migrations, then writes and emails an incident report. No approval: speed matters here (the goal is under one minute).",
  examples: ['emergency rollback last deployment'],
  agent: 'stage',
  approval: null,
  mode: 'run',
});

export const emergencyStopAll = defineCommand({
  id: 'emergency stop all',
  args: [],
  flags: [],
  summary: 'Stop everything',
  help: 'Cancels every run at its next safe point and stops all agents; nothing is left half-written.',
  examples: ['emergency stop all'],
  agent: 'orchestrator',
  approval: null,
  mode: 'run',
  control: true,
});

export const MAINTENANCE_STATES = ['on', 'off'] as const;

export const emergencyMaintenance = defineCommand({
  id: 'emergency maintenance',
  args: [arg('state', 'word', choice(MAINTENANCE_STATES), { description: 'Turn maintenance mode on or off', accepts: 'on or off', choices: MAINTENANCE_STATES })],
  flags: [],
  summary: 'Enable or disable maintenance mode',
  help: 'Switches the app\'s maintenance mode (the configured maintenance command or flag), after an approval (productionDeployment): it changes what production answers.',
  examples: ['emergency maintenance on', 'emergency maintenance off'],
  agent: 'ops',
  // The handler asks, bound to the commands it will run; named here so help, docs and MCP say so.
  approval: 'productionDeployment',
  confirm: 'dialog',
  mode: 'run',
});

export const emergencyDeployHotfix = defineCommand({
  id: 'emergency deploy hotfix',
  args: [],
  flags: [ticketFlag],
  summary: 'Deploy to production without testing',
  help: 'Deploys the ticket\'s staged change straight to production, skipping the test run; needs an approval confirmed by typing the ticket id (productionDeployment).',
  examples: ['emergency deploy hotfix --ticket BUG-2026-001'],
  agent: 'stage',
  approval: 'productionDeployment',
  confirm: 'typed',
  mode: 'run',
});

export const emergencyAccess = defineCommand({
  id: 'emergency access',
  args: [
    arg('user', 'word', z.union([z.guid(), z.email()]), {
      description: "The user's id (or email address)",
      accepts: 'a user id (UUID) or email address',
    }),
  ],
  flags: [
    flag('reason', 'string', z.string().trim().min(3).max(500), {
      description: 'Why access is needed; shown in the approval and audited',
      accepts: 'a reason of at least 3 characters (quote it)',
      placeholder: '<text>',
    }),
  ],
  summary: 'Sign in as a user',
  help: 'After an approval (credentialChange, asked whatever the policy says) creates a one-time sign-in link for the user, shows it once and audits it.',
  examples: ['emergency access 123e4567-e89b-12d3-a456-426614174000 --reason "customer cannot see estimates"'],
  agent: 'ops',
  approval: 'credentialChange',
  confirm: 'dialog',
  alwaysAsks: true,
  mode: 'run',
});
