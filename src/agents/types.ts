// The contract between the orchestrator and the agents' command handlers.
import type { AgentKind, CommandSpec, ArgsOf } from '../commands/types.js';
import type { Level } from '../services/events/types.js';

export const PHASES = ['UNDERSTAND', 'ANALYZE', 'PLAN', 'VALIDATE', 'EXECUTE', 'VERIFY'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * How a command ended. `waiting_approval`: the run is suspended on an approval row;
 * `needs_model`: an AI step had no model runtime; `needs_manual`: recovery needs a human;
 * `not_available`: the handling agent is not built yet; `incomplete`: the command ran, but a
 * part of it (a check of a scan, audit or health report) could not run, so its answer is not whole.
 */
export type ResultStatus =
  | 'done'
  | 'failed'
  | 'waiting_approval'
  | 'needs_model'
  | 'needs_manual'
  | 'not_available'
  | 'incomplete'
  | 'cancelled';

export interface CommandResult {
  readonly ok: boolean;
  readonly status: ResultStatus;
  /** One line for humans. */
  readonly message: string;
  /** Structured result for `--json`, MCP and `--output json|yaml`. */
  readonly data?: unknown;
  /** Pre-rendered lines (tables, diffs) that `run` prints after the events. */
  readonly lines?: readonly string[];
  /** The lines hold something shown once and never stored (a one-time sign-in link). */
  readonly linesShownOnce?: boolean;
  readonly error?: { readonly message: string; readonly code: string };
  readonly runId?: string;
  readonly approvalId?: string;
  /** The exact command that approves `approvalId` (`approve APR-0001 --confirm BUG-2026-001`). */
  readonly approveLine?: string;
}

/** The exact action an approval is bound to; its hash is what gets approved. */
export interface ApprovalAction {
  readonly tool: string; // the command id, or a tool name
  readonly args: Readonly<Record<string, unknown>>;
  readonly target: string; // 'local', 'staging', 'production', a project ref...
  readonly diffHash?: string;
  /** One line shown in the dialog and the email. */
  readonly summary: string;
  /** What a human must type to confirm (a ticket id) when the command asks for typed confirmation. */
  readonly confirmText?: string;
  /**
   * Fingerprints of the content the action works on (a commit sha and its test result, a file's
   * hash, a backup's checksum, a CIDR list), computed by the handler right before it asks, on every
   * pass of the run. Part of the hash: when the content changes after an approval, that approval is
   * void and the run asks again.
   */
  readonly bind?: Readonly<Record<string, string>>;
  /** Lines shown with the request (a diff stat); not part of the hash. */
  readonly detail?: readonly string[];
  /** Lines describing what changed since the approval `previous` was given (the new diff); not stored. */
  readonly changes?: (previous: Readonly<Record<string, string>>) => Promise<readonly string[]>;
}

/** Who a step is, for side effects that must happen once: `RUN-12/EXECUTE:merge BUG-1 into staging`. */
export interface StepInfo {
  /** Stable across resumes of the run; unique per step occurrence. */
  readonly id: string;
}

export interface StepOptions<T> {
  /** Registers how to undo this step; run in reverse order when a later step fails. */
  readonly compensate?: (output: T) => Promise<void>;
  /** Retries with backoff when the error is retryable. */
  readonly retries?: number;
  /** Named resource locks held while the step runs (`db:local`, `worktree:BUG-2026-001`, `deploy:staging`). */
  readonly locks?: readonly string[];
  /**
   * Nothing is left for a person to undo when a later step fails: a bookkeeping row the failure
   * path closes itself, a deploy command the next deploy runs again. Without it (and without
   * `compensate`), a completed EXECUTE step makes a failed run `needs_manual`.
   */
  readonly nothingToUndo?: boolean;
}

/** What every handler gets. The same in the dashboard, `run`, `mcp` and tests. */
export interface CommandContext {
  /** The target project's root (git top level of the working directory, else the directory). */
  readonly root: string;
  readonly agent: AgentKind;
  readonly runId: string | null;
  readonly ticketId: string | null;
  /** Who asked: 'you' (the console or `run`), 'mcp', 'schedule'. */
  readonly initiator: string;
  readonly signal: AbortSignal;
  /** Emits a log event as this agent (`[AGENT] ✓ message` for level success). */
  log(level: Level, message: string, data?: Record<string, unknown>): void;
  /** The same context speaking as another agent. */
  as(agent: AgentKind): CommandContext;
  /**
   * A durable step: runs `fn` once per run and records its output; on resume a completed
   * step returns its recorded output instead of running again. A step killed before it was
   * recorded runs again on resume: `fn` gets the step's id so a side effect can find out that
   * it already happened (a commit carrying it as a trailer, a row keyed by it).
   */
  step<T>(phase: Phase, name: string, fn: (step: StepInfo) => Promise<T>, options?: StepOptions<T>): Promise<T>;
  /**
   * Resolves when this exact action is approved; otherwise records a pending approval and
   * suspends the run (throws `ApprovalPending`). Rejected: throws `ApprovalRejected`.
   */
  requireApproval(action: ApprovalAction): Promise<void>;
  /**
   * Takes named locks for the rest of the run (released when the run ends, suspends or fails),
   * waiting in the queue while another live run holds one. Steps asking for a held lock again
   * keep it. For a section longer than one step: a deploy's merge and its deploy commands.
   */
  hold(locks: readonly string[]): Promise<void>;
}

export type Handler<C extends CommandSpec = CommandSpec> = (
  ctx: CommandContext,
  args: ArgsOf<C>,
) => Promise<CommandResult>;

/** A module's table of handlers, keyed by command id. */
export type HandlerTable = Readonly<Record<string, Handler<CommandSpec>>>;

/** Binds a handler to its command so its args are typed by the command's schema. */
export function handle<C extends CommandSpec>(spec: C, fn: Handler<C>): readonly [string, Handler<CommandSpec>] {
  return [spec.id, fn as unknown as Handler<CommandSpec>];
}

export class ApprovalPending extends Error {
  constructor(
    readonly approvalId: string,
    readonly summary: string,
    /** What to type to approve it, when it asks for a typed confirmation. */
    readonly confirmText: string | null = null,
    /** Lines shown with it (what changed, the diff). */
    readonly lines: readonly string[] = [],
    /** The run that waits on it when that is another run (the same action was asked for there). */
    readonly otherRun: string | null = null,
  ) {
    super(`waiting for approval ${approvalId}: ${summary}`);
    this.name = 'ApprovalPending';
  }
}

export class ApprovalRejected extends Error {
  constructor(readonly approvalId: string, reason?: string) {
    super(`approval ${approvalId} was rejected${reason ? `: ${reason}` : ''}`);
    this.name = 'ApprovalRejected';
  }
}

/** A failure with a stable code and one clear line for the user. */
export class CommandError extends Error {
  constructor(readonly code: string, message: string, readonly retryable = false) {
    super(message);
    this.name = 'CommandError';
  }
}

export function ok(message: string, data?: unknown, lines?: readonly string[]): CommandResult {
  return { ok: true, status: 'done', message, data, lines };
}

export function fail(code: string, message: string, status: ResultStatus = 'failed'): CommandResult {
  return { ok: false, status, message, error: { message, code } };
}

/** A part of a command that could not run, and why. */
export interface NotRun {
  readonly check: string;
  readonly why: string;
}

/**
 * The command ran but these parts could not: never a pass. `message` says what was found; the
 * result's message adds which checks did not run, so "0 issues" is never read as a clean bill.
 */
export function incomplete(message: string, notRun: readonly NotRun[], data?: Record<string, unknown>, lines?: readonly string[]): CommandResult {
  const line = `incomplete: ${notRun.map((n) => `${n.check} could not run (${n.why})`).join('; ')}; ${message}`;
  return { ok: false, status: 'incomplete', message: line, data: { ...data, incomplete: notRun }, lines, error: { message: line, code: 'incomplete' } };
}

export function needsModel(what: string): CommandResult {
  const message = `${what} needs a model runtime: set ANTHROPIC_API_KEY (or log in to Claude Code) and run it again`;
  return { ok: false, status: 'needs_model', message, error: { message, code: 'needs_model' } };
}
