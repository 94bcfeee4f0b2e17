// The model runtimes an AI step can run on. `deterministic` has no model: AI steps end
// `needs_model`. `claude` drives the Claude Agent SDK.
import type { AgentKind } from '../../commands/types.js';
import type { AgentEventInput } from '../../services/events/types.js';

export interface ModelRequest {
  readonly agent: AgentKind;
  readonly prompt: string;
  readonly systemPrompt?: string;
  /** Where the model's tools work: the run's worktree, else the project root. */
  readonly cwd: string;
  /** Tools the agent may use; anything else is refused. Defaults per agent kind. */
  readonly allowedTools?: readonly string[];
  /** JSON Schema of a structured answer (the router's plan, an analysis...). */
  readonly outputSchema?: Record<string, unknown>;
  /** A session to continue (stored on the run). */
  readonly resumeSession?: string;
  readonly maxTurns?: number;
}

/** What a tool-permission request resolves to. */
export type PermissionDecision = { readonly allow: true } | { readonly allow: false; readonly message: string };

export interface PermissionRequest {
  readonly tool: string;
  readonly input: Record<string, unknown>;
  readonly reason?: string;
}

/** What a runtime may call back into while it works. */
export interface RuntimeIO {
  readonly signal: AbortSignal;
  /** Streams what the model does as events of the calling agent. */
  emit(event: Omit<AgentEventInput, 'agent'>): void;
  /** Asks a human (through an approval) whether a tool call may run. */
  requestPermission(request: PermissionRequest): Promise<PermissionDecision>;
  /** Told the session id as soon as the session starts, so a step killed mid-session can resume it. */
  onSession?(sessionId: string): void;
}

export interface ModelResult {
  readonly status: 'done' | 'failed' | 'needs_model';
  /** The final text, or the reason for failing. */
  readonly text: string;
  /** The structured answer when an output schema was asked for. */
  readonly structured?: unknown;
  readonly sessionId?: string;
  /** Total cost in USD; null when the account reports none (shown as n/a). */
  readonly costUsd: number | null;
  readonly turns?: number;
}

export interface AgentRuntime {
  readonly name: 'deterministic' | 'claude';
  /** False when no model is behind it (AI steps answer needs_model). */
  readonly hasModel: boolean;
  run(request: ModelRequest, io: RuntimeIO): Promise<ModelResult>;
}

/** Tools each agent may use with a model: read-only for analysts, edits for generators. */
export const DEFAULT_ALLOWED_TOOLS: Record<AgentKind, readonly string[]> = {
  orchestrator: ['Read', 'Glob', 'Grep'],
  bughunter: ['Read', 'Glob', 'Grep', 'Bash'],
  codesmith: ['Read', 'Glob', 'Grep', 'Edit', 'Write'],
  migrator: ['Read', 'Glob', 'Grep', 'Write'],
  stage: ['Read', 'Glob', 'Grep', 'Bash'],
  ops: ['Read', 'Glob', 'Grep'],
};

export function formatCost(costUsd: number | null | undefined): string {
  return typeof costUsd === 'number' ? `$${costUsd.toFixed(4)}` : 'n/a';
}
