import type { AgentKind } from '../../commands/types.js';

export type Level = 'debug' | 'info' | 'success' | 'warn' | 'error';

/**
 * What an event is about. `log` is a line for the log pane; the others also change state the
 * dashboard shows (a run's or step's status, an approval, an agent's lifecycle...).
 */
export type EventKind =
  | 'log'
  | 'output' // a subprocess's output line
  | 'run'
  | 'step'
  | 'approval'
  | 'ticket'
  | 'agent'
  | 'deployment'
  | 'health'
  | 'progress';

export interface AgentEvent {
  /** Assigned by the bus, increasing within a process. */
  readonly id: number;
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly runId?: string;
  readonly ticketId?: string;
  readonly agent: AgentKind;
  /** The agent instance, e.g. `bughunter-1`, when there is one. */
  readonly instance?: string;
  readonly kind: EventKind;
  readonly level: Level;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** What an emitter passes; the bus adds id and ts and redacts secrets. */
export type AgentEventInput = Omit<AgentEvent, 'id' | 'ts'> & { readonly ts?: number };
