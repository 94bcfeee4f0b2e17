// Picks the runtime: `claude` when a model is reachable (an API key, or a logged-in Claude Code
// session via `model: "claude"`), otherwise the offline `deterministic` one.
import { createClaudeRuntime, type ClaudeRuntimeOptions } from './claude.js';
import { createDeterministicRuntime } from './deterministic.js';
import type { AgentRuntime } from './types.js';

export interface RuntimeChoice {
  /** Credentials of the project (ANTHROPIC_API_KEY). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Force one runtime; default: claude when ANTHROPIC_API_KEY is set. */
  readonly prefer?: 'deterministic' | 'claude';
  readonly claude?: ClaudeRuntimeOptions;
}

export function pickRuntime(choice: RuntimeChoice): AgentRuntime {
  const wantsClaude = choice.prefer === 'claude' || (choice.prefer === undefined && Boolean(choice.env.ANTHROPIC_API_KEY));
  return wantsClaude ? createClaudeRuntime(choice.claude) : createDeterministicRuntime();
}

export type { AgentRuntime, ModelRequest, ModelResult } from './types.js';
export { askModel } from './ask.js';
export { formatCost } from './types.js';
