// CodeSmith's commands: component, api, mcp-tool and test generators.
import { generateApi, generateComponent, generateMcpTool, generateTest } from '../../commands/defs/generate.js';
import { handle, type CommandResult, type HandlerTable } from '../types.js';
import { freeForm, generate, readSource } from './generate.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiRoute, component, mcpTool, normaliseRoute, testFor, toCamel } from './templates.js';
import { exportedFunctions } from './typecheck.js';
import { runModelGeneration } from './model.js';
import { engineOf } from '../orchestrator/internals.js';

export const handlers: HandlerTable = Object.fromEntries([
  handle(generateComponent, (ctx, args) =>
    generate(ctx, {
      what: `component ${args.name}`,
      ticket: args.ticket,
      title: `Component ${args.name}`,
      files: (c) => {
        // Never a test the runner cannot load: node --test and jest without a transform cannot read JSX.
        if (c.loadsTsx) return component(c, args.name);
        ctx.as('codesmith').log('warn', `Component test skipped: ${c.runner ? `the project's ${c.runner === 'node' ? 'node --test' : c.runner} cannot load .tsx files` : 'the project has no test runner'} (vitest with the React plugin and .tsx in its include, or jest with ts-jest, @swc/jest or next/jest, can)`);
        return component(c, args.name).filter((f) => f.kind !== 'test');
      },
    }),
  ),
  handle(generateApi, async (ctx, args): Promise<CommandResult> => {
    const route = normaliseRoute(args.route);
    if (!route || args.details) {
      // Redacted at the source: the ticket title, the commit message and the prompt all come from it.
      const request = engineOf(ctx).bus.redact([args.route, args.details].filter(Boolean).join(' '));
      return freeForm(ctx, request) ?? runModelGeneration(ctx, request, args.ticket);
    }
    const methods = args.methods ?? ['GET'];
    return generate(ctx, {
      what: `api ${route.route}`,
      ticket: args.ticket,
      title: `API endpoint ${methods.join(', ')} ${route.route}`,
      files: (c) => {
        if (!c.supabaseHelper) {
          ctx.as('codesmith').log('warn', `No Supabase server helper in the project (expected lib/supabase/server.ts exporting createClient, as Supabase's Next.js guide writes it): ${route.route} does not read or write the database`);
        }
        return apiRoute(c, route.route, methods);
      },
    });
  }),
  handle(generateMcpTool, (ctx, args) =>
    generate(ctx, { what: `mcp-tool ${args.name}`, ticket: args.ticket, title: `MCP tool ${args.name}`, files: (c, staged) => {
        const index = join(staged.path, c.mcpToolsDir, '..', 'index.ts');
        const text = existsSync(index) ? readFileSync(index, 'utf8') : null;
        const files = mcpTool(c, args.name, text);
        if (!files.some((f) => f.original !== undefined)) {
          ctx.as('codesmith').log('warn', `${args.name} is not registered: ${text === null ? `${c.mcpToolsDir}/../index.ts does not exist` : 'the edge function\'s index.ts has no `export const tools = [...]` list'}; add ${toCamel(args.name)}Tool where the function lists its tools`);
        }
        return files;
      } }),
  ),
  handle(generateTest, (ctx, args) => {
    const file = args.file.replace(/^\.\//, '');
    return generate(ctx, {
      what: `test for ${file}`,
      ticket: args.ticket,
      title: `Tests for ${file}`,
      files: (c, staged) => {
        const fns = exportedFunctions(file, readSource(staged, file));
        if (fns.length === 0) throw new Error(`${file} exports no function to test`);
        return [testFor(c, file, fns)];
      },
    });
  }),
]);
