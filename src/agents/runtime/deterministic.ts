// The offline runtime: no model behind it. An AI step run on it ends `needs_model` with one line.
import type { AgentRuntime, ModelRequest, ModelResult } from './types.js';

export const NO_MODEL_LINE = 'no model runtime is configured: set ANTHROPIC_API_KEY (or log in to Claude Code) and run it again';

export function createDeterministicRuntime(): AgentRuntime {
  return {
    name: 'deterministic',
    hasModel: false,
    run(_request: ModelRequest): Promise<ModelResult> {
      return Promise.resolve({ status: 'needs_model', text: NO_MODEL_LINE, costUsd: null });
    },
  };
}
