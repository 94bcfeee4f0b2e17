// The vocabulary every layer may import: agents, commands, parsed commands.
import type { z } from 'zod';

export const AGENT_KINDS = ['orchestrator', 'bughunter', 'codesmith', 'migrator', 'stage', 'ops'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/** Display names, as in the dashboard's agents pane. */
export const AGENT_NAMES: Record<AgentKind, string> = {
  orchestrator: 'Orchestrator',
  bughunter: 'BugHunter',
  codesmith: 'CodeSmith',
  migrator: 'Migrator',
  stage: 'StageAgent',
  ops: 'Ops',
};

/** Tags used in log lines: `[BUGHUNTER] ✓ ...`. */
export const AGENT_TAGS: Record<AgentKind, string> = {
  orchestrator: 'ORCHESTRATOR',
  bughunter: 'BUGHUNTER',
  codesmith: 'CODESMITH',
  migrator: 'MIGRATOR',
  stage: 'STAGE',
  ops: 'OPS',
};

/**
 * The approval policy keys of the user's plan (seed section 7.2), configurable per project in
 * `agentdeck.config.json` (`approvals`). A command names the key that governs it, or null.
 */
export const APPROVAL_POLICY_KEYS = [
  'databaseDestructive',
  'productionDeployment',
  'credentialChange',
  'agentConfigChange',
  'stagingDeployment',
  'codeGeneration',
] as const;
export type ApprovalPolicyKey = (typeof APPROVAL_POLICY_KEYS)[number];

export const DEFAULT_APPROVAL_POLICY: Record<ApprovalPolicyKey, boolean> = {
  databaseDestructive: true,
  productionDeployment: true,
  credentialChange: true,
  agentConfigChange: false,
  stagingDeployment: false,
  codeGeneration: false,
};

/**
 * Policy keys no setting turns off: production deploys (and hotfixes) always ask a person, whatever
 * `approvals.policy` says. A config that sets one to false is told so, never silently ignored.
 */
export const ALWAYS_ON_POLICY_KEYS: readonly ApprovalPolicyKey[] = ['productionDeployment'];

/** A positional argument. `text` may be a quoted string; `rest` swallows the remaining words. */
export interface ArgSpec {
  readonly name: string;
  readonly kind: 'word' | 'text' | 'rest';
  readonly optional?: boolean;
  readonly choices?: readonly string[];
  readonly description: string;
  /** Names a ticket: the engine resolves the admin's own reference (AI-EST-142) to our id before any handler sees it. */
  readonly ticket?: boolean;
}

export interface FlagSpec {
  readonly name: string; // without dashes: 'dry-run', 'level', 'output'
  readonly type: 'boolean' | 'string' | 'number' | 'list';
  readonly choices?: readonly string[];
  readonly description: string;
  /** Names a ticket (see ArgSpec.ticket). */
  readonly ticket?: boolean;
}

export interface CommandSpec<S extends z.ZodType = z.ZodType> {
  /** The literal words that name the command, joined by single spaces: 'backup schedule create'. */
  readonly id: string;
  readonly args: readonly ArgSpec[];
  readonly flags: readonly FlagSpec[];
  /** Validates the object of args and flags (keys are arg names and camelCased flag names). */
  readonly schema: S;
  readonly summary: string;
  readonly help?: string;
  readonly examples: readonly string[];
  /** The agent that handles it. */
  readonly agent: AgentKind;
  /** The approval policy key that governs it, or null when it never needs one by itself. */
  readonly approval: ApprovalPolicyKey | null;
  /** How a human confirms in the dashboard: a dialog, or typing the ticket/target id. */
  readonly confirm?: 'dialog' | 'typed';
  /** Asks a person whatever the policy says (emergency access). */
  readonly alwaysAsks?: boolean;
  /** 'query' reads only and opens no durable run; 'run' opens a run. */
  readonly mode: 'query' | 'run';
  /**
   * Acts on other runs (approve, resume, an emergency stop): it changes state, but opens no run
   * of its own. A run of its own would hold an agent slot (an emergency stop must never queue
   * behind the work it stops) and would take on the status of the run it resumes. It is audited
   * like any command.
   */
  readonly control?: boolean;
  /** Marks commands that destroy or overwrite data (MCP destructiveHint, red in help). */
  readonly destructive?: boolean;
}

export type ArgsOf<C extends CommandSpec> = z.infer<C['schema']>;

export interface ParsedCommand<C extends CommandSpec = CommandSpec> {
  readonly spec: C;
  readonly id: string;
  readonly args: ArgsOf<C>;
  /** The line as typed, without the optional `@agent ` prefix. */
  readonly raw: string;
}

export type ParseResult =
  | { readonly ok: true; readonly kind: 'command'; readonly command: ParsedCommand }
  | { readonly ok: true; readonly kind: 'text'; readonly text: string }
  | { readonly ok: false; readonly error: string; readonly suggestion?: string; readonly usage?: string };
