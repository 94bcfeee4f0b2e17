// Ops: row level security policies and the security audit.
import { defineCommand } from '../define.js';
import { outputFlag } from './shared.js';

export const securityPoliciesList = defineCommand({
  id: 'security policies list',
  args: [],
  flags: [outputFlag],
  summary: 'List row level security policies',
  help: 'Lists the policies of the target database (pg_policies): table, name, command, roles and expressions.',
  examples: ['security policies list', 'security policies list --output json'],
  agent: 'ops',
  approval: null,
  mode: 'query',
});

export const securityAudit = defineCommand({
  id: 'security audit',
  args: [],
  flags: [outputFlag],
  summary: 'Security audit',
  help: "Reports findings under the Supabase advisor's lint names (rls_disabled_in_public, policy_exists_rls_disabled, security_definer_view, function_search_path_mutable, auth_users_exposed, ...), each with level, object and remediation; on a linked project merged with the platform's advisors and SSL enforcement.",
  examples: ['security audit'],
  agent: 'ops',
  approval: null,
  mode: 'query',
});
