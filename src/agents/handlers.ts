// Which modules implement the commands of each agent. Loaded lazily, so a command only pays for
// the agent it uses. A command whose module has no handler answers "not available yet".
import type { AgentKind, CommandSpec } from '../commands/types.js';
import { AGENT_NAMES } from '../commands/types.js';
import type { Handler, HandlerTable } from './types.js';

type Loader = () => Promise<{ handlers: HandlerTable }>;

const MODULES: Record<AgentKind, readonly Loader[]> = {
  orchestrator: [
    () => import('./orchestrator/commands-core.js'),
    () => import('./orchestrator/commands-runs.js'),
    () => import('./orchestrator/commands-questions.js'),
    () => import('./orchestrator/commands-costs.js'),
    () => import('./notify/commands.js'),
  ],
  bughunter: [() => import('./bughunter/commands.js')],
  codesmith: [() => import('./codesmith/commands.js')],
  migrator: [() => import('./migrator/commands.js')],
  stage: [() => import('./stage/commands.js')],
  ops: [() => import('./ops/commands.js')],
};

/** The merged table of each agent, loaded once (a failed load is retried on the next call). */
const loaded = new Map<AgentKind, Promise<HandlerTable>>();

export function loadHandlers(agent: AgentKind): Promise<HandlerTable> {
  let table = loaded.get(agent);
  if (!table) {
    table = Promise.all(MODULES[agent].map((load) => load())).then(
      (tables) => Object.assign({}, ...tables.map((t) => t.handlers)) as HandlerTable,
    );
    loaded.set(agent, table);
    table.catch(() => loaded.delete(agent));
  }
  return table;
}

/** The handler of a command from its agent's modules, if that agent handles it yet. */
export async function handlerOf(spec: CommandSpec): Promise<Handler | undefined> {
  return (await loadHandlers(spec.agent))[spec.id];
}

/** What a command without a handler answers. */
export function notAvailableMessage(spec: CommandSpec): string {
  return `"${spec.id}" is not available yet: ${AGENT_NAMES[spec.agent]} does not handle it yet`;
}
