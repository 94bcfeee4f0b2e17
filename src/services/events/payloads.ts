// The `data` carried by state-changing events, so the store can follow runs, steps, agents,
// approvals, tickets and deployments without asking the db on every event.
import type { AgentKind } from '../../commands/types.js';

export type AgentState = 'idle' | 'starting' | 'working' | 'waiting_approval' | 'waiting_lock' | 'done' | 'failed' | 'stopped' | 'error';

export interface TicketPayload {
  readonly ticket: { readonly id: string; readonly ref?: string; readonly kind: string; readonly title: string; readonly status: string; readonly priority: string };
}

export interface RunPayload {
  readonly run: {
    readonly id: string;
    readonly status: string;
    readonly line: string;
    /** The agent the run belongs to. */
    readonly agent?: AgentKind;
    readonly commandId?: string | null;
    readonly ticketId?: string | null;
    readonly phase?: string | null;
    readonly waitingFor?: string | null;
  };
}

export interface StepPayload {
  readonly step: {
    readonly runId: string;
    readonly key: string;
    readonly name: string;
    readonly phase: string;
    readonly status: string;
    readonly agent: AgentKind;
    readonly instance?: string;
    readonly waitingFor?: string | null;
  };
}

export interface AgentPayload {
  readonly instance: string;
  readonly state: AgentState;
  /** When an instance ends: how its run ended (done, needs_model, needs_manual, failed...). */
  readonly outcome?: string | null;
  readonly runId?: string | null;
  readonly step?: string | null;
  readonly phase?: string | null;
  readonly waitingFor?: string | null;
}

export interface ApprovalPayload {
  readonly approval: {
    readonly id: string;
    readonly runId?: string | null;
    readonly ticketId?: string | null;
    readonly summary: string;
    readonly status: string;
    readonly target: string;
    readonly tool: string;
    readonly confirmText?: string | null;
    readonly expiresAt?: string | null;
    /** What exactly is approved beyond the summary (a config diff, a diffstat). */
    readonly detail?: readonly string[];
  };
}

export interface DeploymentPayload {
  readonly deployment: { readonly id: string; readonly ticketId?: string | null; readonly env: string; readonly status: string; readonly ts: number };
}

export interface HealthPayload {
  readonly checks: readonly { readonly name: string; readonly status: 'ok' | 'not_configured' | 'failing'; readonly reason?: string }[];
}
