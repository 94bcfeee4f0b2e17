// CodeSmith's generators (and the Migrator's `generate migration`). Output goes to a staged worktree.
import * as z from 'zod';
import { arg, defineCommand, flag } from '../define.js';
import { migrationTicketFlag, restText, ticketFlag } from './shared.js';

const identifier = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/);
const IDENTIFIER_ACCEPTS = 'a name of letters, digits, _ or - starting with a letter (up to 64)';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const generateComponent = defineCommand({
  id: 'generate component',
  args: [arg('name', 'word', identifier, { description: 'The component name, e.g. EstimateCard', accepts: IDENTIFIER_ACCEPTS })],
  flags: [ticketFlag],
  summary: 'Generate a React component with its test',
  help: "Writes a component following the target's conventions (components folder, styling, test framework) into the ticket's staged worktree, type-checks it and adds a test.",
  examples: ['generate component EstimateCard', 'generate component CustomerPortal --ticket FEAT-2026-002'],
  agent: 'codesmith',
  approval: null,
  mode: 'run',
});

export const generateApi = defineCommand({
  id: 'generate api',
  args: [
    arg('route', 'text', z.string().trim().min(1).max(200), {
      description: 'A route such as /api/estimates; anything else is a free-form request for the model runtime',
      accepts: 'a route such as /api/estimates',
    }),
    arg('details', 'rest', restText(2000).optional(), {
      description: 'More words describing the endpoint (free-form; needs a model runtime)',
      accepts: 'free text',
    }),
  ],
  flags: [
    flag(
      'methods',
      'list',
      z
        .array(z.string().transform((m) => m.toUpperCase()).pipe(z.enum(HTTP_METHODS)))
        .min(1)
        .transform((ms) => [...new Set(ms)])
        .optional(),
      {
        description: 'HTTP methods to implement (default GET)',
        accepts: 'a comma-separated list of GET, POST, PUT, PATCH, DELETE',
        placeholder: 'GET,POST',
        choices: HTTP_METHODS,
      },
    ),
    ticketFlag,
  ],
  summary: 'Generate an API route handler with its test',
  help: 'Detects the router (for example a Next.js app router) and writes the route handler for the given methods with a test. A description instead of a route ("customer portal login" with oauth2 support) goes to the model runtime.',
  examples: [
    'generate api /api/estimates --methods GET,POST',
    'generate api endpoint "customer portal login" with oauth2 support',
  ],
  agent: 'codesmith',
  approval: null,
  mode: 'run',
});

export const generateMigration = defineCommand({
  id: 'generate migration',
  args: [
    arg('name', 'rest', restText(200), {
      description: 'What the migration does, e.g. add_customer_preferences',
      accepts: 'a migration name',
      usage: '<name>',
    }),
  ],
  flags: [migrationTicketFlag],
  summary: 'Generate a migration and its rollback',
  help: 'Writes supabase/migrations/<YYYYMMDDHHMMSS>_<slug>.sql and a matching rollback file (in the ticket\'s staged worktree with --ticket); common changes come from the documented spec without a model.',
  examples: ['generate migration add_customer_preferences', 'generate migration add_customer_preferences --ticket FEAT-2025-003'],
  agent: 'migrator',
  approval: null,
  mode: 'run',
});

export const generateTest = defineCommand({
  id: 'generate test',
  args: [
    arg('file', 'text', z.string().trim().min(1).max(500), {
      description: 'The source file to test, relative to the project root',
      accepts: 'a file path such as app/api/estimates/route.ts',
    }),
  ],
  flags: [ticketFlag],
  summary: 'Generate a test for a file',
  help: "Writes a test for the file with the target's test framework next to its existing tests.",
  examples: ['generate test app/api/estimates/route.ts'],
  agent: 'codesmith',
  approval: null,
  mode: 'run',
});

export const generateMcpTool = defineCommand({
  id: 'generate mcp-tool',
  args: [
    arg('name', 'word', z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), {
      description: 'The tool name in snake_case, e.g. create_estimate_record',
      accepts: 'a snake_case name such as create_estimate_record',
    }),
  ],
  flags: [ticketFlag],
  summary: "Generate a tool for the app's MCP server",
  help: 'Adds a tool to supabase/functions/mcp-server/tools/ with its input schema, registration and a test.',
  examples: ['generate mcp-tool create_estimate_record'],
  agent: 'codesmith',
  approval: null,
  mode: 'run',
});
