// One project opened for commands: its state db, the event bus (redacting the project's
// secrets), the orchestrator engine and the email notifier. Shared by `run` and the console.
import type { Engine } from '../agents/orchestrator/engine.js';
import { createEngine } from '../agents/orchestrator/engine.js';
import { pickRuntime } from '../agents/runtime/index.js';
import type { Project } from '../services/config/project.js';
import { createBus, type EventBus } from '../services/events/bus.js';
import { openState, type StateDb } from '../services/state/db.js';

export interface Session {
  readonly project: Project;
  readonly state: StateDb;
  readonly bus: EventBus;
  readonly engine: Engine;
  /** Waits (briefly) for queued emails, then closes everything. */
  close(): Promise<void>;
}

export interface SessionOptions {
  /** How long closing waits for emails still being delivered (ms). */
  readonly emailWaitMs?: number;
  /** How often the engine checks approvals for reminders and expiry (0 = only at start). */
  readonly approvalCheckMs?: number;
}

export async function openSession(project: Project, options: SessionOptions = {}): Promise<Session> {
  const state = openState(project.root);
  const bus = createBus({ state, secrets: project.secrets });
  const engine = createEngine({
    root: project.root,
    state,
    bus,
    config: project.config,
    runtime: pickRuntime({ env: project.env }),
    approvalCheckMs: options.approvalCheckMs ?? 0,
  });
  const { startNotifications } = await import('../services/email/index.js');
  const notifications = startNotifications({ bus, state, project });
  let closed = false;
  return {
    project,
    state,
    bus,
    engine,
    async close() {
      if (closed) return;
      closed = true;
      engine.close();
      await notifications.notifier.idle(options.emailWaitMs ?? 10_000).catch(() => undefined);
      notifications.stop();
      bus.close();
      state.close();
    },
  };
}
