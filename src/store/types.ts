import type { AgentKind } from '../commands/types.js';
import type { AgentState, HealthPayload } from '../services/events/payloads.js';
import type { Level } from '../services/events/types.js';

export interface LogLine {
  readonly id: number;
  readonly ts: number;
  readonly agent: AgentKind;
  readonly level: Level;
  readonly message: string;
  readonly runId?: string;
  readonly ticketId?: string;
}

export interface AgentView {
  readonly kind: AgentKind;
  readonly state: AgentState;
  readonly instance?: string;
  readonly runId?: string | null;
  readonly step?: string | null;
  readonly phase?: string | null;
  readonly waitingFor?: string | null;
  /** When the current state began (epoch ms). */
  readonly since: number;
  /** How its last run ended, once it rests (needs_model, needs_manual, failed...). */
  readonly last?: string | null;
}

export interface RunView {
  readonly id: string;
  readonly status: string;
  readonly line: string;
  readonly agent?: AgentKind;
  readonly commandId?: string | null;
  readonly ticketId?: string | null;
  readonly phase?: string | null;
  readonly waitingFor?: string | null;
  readonly updatedAt: number;
}

export interface TicketView {
  readonly id: string;
  /** The admin's own reference (AI-EST-142). */
  readonly ref?: string;
  readonly kind: string;
  readonly title: string;
  readonly status: string;
  readonly priority: string;
  readonly updatedAt: number;
}

export interface ApprovalView {
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
}

export interface ActivityItem {
  readonly ts: number;
  readonly level: Level;
  readonly text: string;
}

export interface DeploymentView {
  readonly id: string;
  readonly ticketId?: string | null;
  readonly env: string;
  readonly status: string;
  readonly ts: number;
}

export interface DeckState {
  readonly agents: Readonly<Record<AgentKind, AgentView>>;
  readonly runs: readonly RunView[];
  readonly tickets: readonly TicketView[];
  readonly approvals: readonly ApprovalView[];
  /** The newest log lines (bounded); the full history is in the state db. */
  readonly logs: readonly LogLine[];
  /** Log lines seen since start (including those dropped from the ring). */
  readonly logTotal: number;
  readonly activity: readonly ActivityItem[];
  readonly health: HealthPayload['checks'] | null;
  readonly lastDeployment: DeploymentView | null;
  /** Increments on every flush: cheap change detection for views. */
  readonly version: number;
}
