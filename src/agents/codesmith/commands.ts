// CodeSmith's commands: component, api, mcp-tool and test generators.
import { generateApi, generateComponent, generateMcpTool, generateTest } from '../../commands/defs/generate.js';
import { handle, type CommandResult, type HandlerTable } from '../types.js';
import { freeForm, generate, readSource } from './generate.js';
import { apiRoute, component, mcpTool, normaliseRoute, testFor } from './templates.js';
import { exportedFunctions } from './typecheck.js';
import { runModelGeneration } from './model.js';
import { engineOf } from '../orchestrator/internals.js';

export const handlers: HandlerTable = Object.fromEntries([
  handle(generateComponent, (ctx, args) =>
    generate(ctx, { what: `component ${args.name}`, ticket: args.ticket, title: `Component ${args.name}`, files: (c) => component(c, args.name) }),
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
      files: (c) => apiRoute(c, route.route, methods),
    });
  }),
  handle(generateMcpTool, (ctx, args) =>
    generate(ctx, { what: `mcp-tool ${args.name}`, ticket: args.ticket, title: `MCP tool ${args.name}`, files: (c) => mcpTool(c, args.name) }),
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
