// Which modules implement the commands of each agent. Loaded lazily, so a command only pays for
// the agent it uses. A command whose module has no handler answers "not available yet".
import type { AgentKind } from '../commands/types.js';
import type { HandlerTable } from './types.js';

type Loader = () => Promise<{ handlers: HandlerTable }>;

const MODULES: Record<AgentKind, readonly Loader[]> = {
  orchestrator: [
    () => import('./orchestrator/commands-core.js'),
    () => import('./orchestrator/commands-runs.js'),
    () => import('./notify/commands.js'),
  ],
  bughunter: [() => import('./bughunter/commands.js')],
  codesmith: [() => import('./codesmith/commands.js')],
  migrator: [() => import('./migrator/commands.js')],
  stage: [() => import('./stage/commands.js')],
  ops: [() => import('./ops/commands.js')],
};

export async function loadHandlers(agent: AgentKind): Promise<HandlerTable> {
  const tables = await Promise.all(MODULES[agent].map((load) => load()));
  return Object.assign({}, ...tables.map((t) => t.handlers)) as HandlerTable;
}
