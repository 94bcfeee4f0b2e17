// The app's own MCP tools for any agent: `appTools(ctx).call('create_estimate_record', {...})`.
// Calls are logged as the calling agent, and answers are redacted before anyone sees them.
import { loadProject } from '../../services/config/project.js';
import type { RemoteCallResult, RemoteTool } from '../../services/mcp/remote-types.js';
import { redactDeep } from '../../services/secrets/redact.js';
import { engineOf } from '../orchestrator/internals.js';
import type { CommandContext } from '../types.js';

export interface AppTools {
  list(): Promise<RemoteTool[]>;
  call(name: string, args: Record<string, unknown>): Promise<RemoteCallResult>;
}

/** Throws RemoteMcpError (one line, with a code) when the server is missing, refuses or fails. */
export function appTools(ctx: CommandContext): AppTools {
  const env = loadProject(ctx.root).env;
  // The MCP SDK is loaded only when a tool is really listed or called.
  const client = async () => (await import('../../services/mcp/client.js')).remoteTools(env, { signal: ctx.signal });
  const redact = engineOf(ctx).bus.redact;
  return {
    list: async () => redactDeep(await (await client()).list(), redact),
    async call(name, args) {
      ctx.log('info', `Calling ${name} on the app's MCP server`);
      // What the app's server answers is shown and recorded, never a credential it may echo back.
      const result = redactDeep(await (await client()).call(name, args), redact);
      if (result.isError) ctx.log('warn', `${name} failed: ${result.text.split('\n')[0] ?? ''}`);
      else ctx.log('success', `${name} answered`);
      return result;
    },
  };
}
