// The model runtime on the Claude Agent SDK. The session works in the run's directory, loads no
// user or project settings, may use only the agent's tools; a PreToolUse hook enforces the
// project's policy, permission requests become approvals, streamed messages become events, and
// the session id and cost come back for the run.
import type { CanUseTool, HookCallback, Options, SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { messageOf } from '../orchestrator/errors.js';
import { clipRedacted } from '../../services/secrets/redact.js';
import { toolPolicy } from './tool-policy.js';
import type { AgentRuntime, ModelRequest, ModelResult, RuntimeIO } from './types.js';
import { DEFAULT_ALLOWED_TOOLS } from './types.js';

export interface ClaudeRuntimeOptions {
  /** The Claude Code executable (a scripted one in tests). */
  readonly pathToClaudeCodeExecutable?: string;
  readonly model?: string;
  readonly env?: Record<string, string | undefined>;
}

const MAX_EVENT_TEXT = 300;

function firstLine(text: string): string {
  const line = text.trim().split('\n', 1)[0] ?? '';
  return clipRedacted(line, MAX_EVENT_TEXT);
}

/** Tools that always ask a human, even when the agent may use them. */
const ASKING_TOOLS = new Set(['Bash']);

export function createClaudeRuntime(options: ClaudeRuntimeOptions = {}): AgentRuntime {
  return {
    name: 'claude',
    hasModel: true,
    async run(request: ModelRequest, io: RuntimeIO): Promise<ModelResult> {
      const { query } = await import('@anthropic-ai/claude-agent-sdk');
      const abortController = new AbortController();
      const onAbort = (): void => abortController.abort();
      io.signal.addEventListener('abort', onAbort, { once: true });

      const preToolUse: HookCallback = (input) => {
        if (input.hook_event_name !== 'PreToolUse') return Promise.resolve({});
        const toolInput = (input.tool_input ?? {}) as Record<string, unknown>;
        const refusal = toolPolicy(input.tool_name, toolInput, request.cwd);
        if (!refusal) return Promise.resolve({});
        io.emit({ kind: 'log', level: 'warn', message: `Refused ${input.tool_name}: ${refusal}`, data: { tool: input.tool_name } });
        return Promise.resolve({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: refusal } });
      };
      const canUseTool: CanUseTool = async (tool, input) => {
        if (!ASKING_TOOLS.has(tool)) return { behavior: 'allow', updatedInput: input };
        const decision = await io.requestPermission({ tool, input });
        if (decision.allow) return { behavior: 'allow', updatedInput: input };
        io.emit({ kind: 'log', level: 'warn', message: `Denied ${tool}: ${decision.message}`, data: { tool } });
        return { behavior: 'deny', message: decision.message };
      };

      const tools = request.allowedTools ?? DEFAULT_ALLOWED_TOOLS[request.agent];
      const sdkOptions: Options = {
        cwd: request.cwd,
        settingSources: [],
        // `tools` is what the agent may use at all; `canUseTool` lets the rest run without
        // asking except shell commands, whose permission request becomes an approval. Every
        // call is also checked by the PreToolUse policy hook.
        tools: [...tools],
        canUseTool,
        hooks: { PreToolUse: [{ hooks: [preToolUse] }] },
        abortController,
        ...(request.systemPrompt ? { systemPrompt: request.systemPrompt } : {}),
        ...(request.maxTurns ? { maxTurns: request.maxTurns } : {}),
        ...(request.resumeSession ? { resume: request.resumeSession } : {}),
        ...(request.outputSchema ? { outputFormat: { type: 'json_schema', schema: request.outputSchema } } : {}),
        ...(options.model ? { model: options.model } : {}),
        ...(options.pathToClaudeCodeExecutable ? { pathToClaudeCodeExecutable: options.pathToClaudeCodeExecutable } : {}),
        ...(options.env ? { env: options.env } : {}),
      };

      let sessionId: string | undefined;
      let final: ModelResult | null = null;
      try {
        for await (const message of query({ prompt: request.prompt, options: sdkOptions }) as AsyncIterable<SDKMessage>) {
          if ('session_id' in message && typeof message.session_id === 'string') sessionId = message.session_id;
          if (message.type === 'system' && message.subtype === 'init') {
            io.onSession?.(message.session_id);
            io.emit({ kind: 'log', level: 'debug', message: `Model session ${message.session_id} started`, data: { sessionId: message.session_id } });
          } else if (message.type === 'assistant') {
            for (const block of message.message.content) {
              if (block.type === 'text' && block.text.trim()) io.emit({ kind: 'output', level: 'info', message: firstLine(block.text) });
              else if (block.type === 'tool_use') io.emit({ kind: 'log', level: 'info', message: `Using ${block.name}`, data: { tool: block.name } });
            }
          } else if (message.type === 'result') {
            const cost = typeof message.total_cost_usd === 'number' ? message.total_cost_usd : null;
            final =
              message.subtype === 'success' && !message.is_error
                ? { status: 'done', text: message.result, structured: message.structured_output, sessionId: message.session_id, costUsd: cost, turns: message.num_turns }
                : { status: 'failed', text: 'errors' in message && message.errors.length ? message.errors.join('; ') : message.subtype, sessionId: message.session_id, costUsd: cost, turns: message.num_turns };
          }
        }
      } catch (error) {
        if (!final) return { status: 'failed', text: messageOf(error), sessionId, costUsd: null };
      } finally {
        io.signal.removeEventListener('abort', onAbort);
      }
      return final ?? { status: 'failed', text: 'the model session ended without a result', sessionId, costUsd: null };
    },
  };
}
