// One project opened for commands: its state db, the event bus (redacting the project's
// secrets), the orchestrator engine and the email notifier. Shared by `run`, `mcp` and the console.
import type { Engine } from '../agents/orchestrator/engine.js';
import { createEngine } from '../agents/orchestrator/engine.js';
import { pickRuntime } from '../agents/runtime/index.js';
import type { Project } from '../services/config/project.js';
import type { EventBus } from '../services/events/bus.js';
import type { StateDb } from '../services/state/db.js';
import { sleep } from '../services/timers.js';
import type { startNotifications as StartNotifications } from '../services/email/index.js';
import { openProjectState, type ProjectState } from './project-state.js';

type Notifications = ReturnType<typeof StartNotifications>;

export interface Session {
  readonly project: Project;
  readonly state: StateDb;
  readonly bus: EventBus;
  readonly engine: Engine;
  /** Starts the email notifier now if the session was opened with `deferNotifications`. */
  startNotifications(): Promise<void>;
  /** Delivers queued emails (waiting at most `emailWaitMs`), then closes everything. */
  close(): Promise<void>;
}

export interface SessionOptions {
  /** How long closing waits for emails still being delivered (ms). */
  readonly emailWaitMs?: number;
  /** How often the engine checks approvals for reminders and expiry (0 = only at start). */
  readonly approvalCheckMs?: number;
  /** Leave the email notifier to `startNotifications()` (the dashboard starts it after its first frame). */
  readonly deferNotifications?: boolean;
  /** The state db and bus, already open (the dashboard draws its first frame from them); the session closes them. */
  readonly opened?: ProjectState;
}

export async function openSession(project: Project, options: SessionOptions = {}): Promise<Session> {
  const { state, bus } = options.opened ?? openProjectState(project);
  const engine = createEngine({
    root: project.root,
    state,
    bus,
    config: project.config,
    runtime: pickRuntime({ env: project.env }),
    approvalCheckMs: options.approvalCheckMs ?? 0,
  });
  let notifications: Promise<Notifications> | undefined;
  const startNotifications = (): Promise<Notifications> =>
    (notifications ??= import('../services/email/index.js').then((m) => m.startNotifications({ bus, state, project })));
  if (!options.deferNotifications) await startNotifications();
  let closed = false;
  return {
    project,
    state,
    bus,
    engine,
    async startNotifications() {
      if (!closed) await startNotifications();
    },
    async close() {
      if (closed) return;
      closed = true;
      engine.close();
      const started = await notifications?.catch(() => undefined);
      if (started) {
        // Every row that is due (queued by this process or left by another) gets its attempt before
        // the process ends; one that failed and waits for a retry stays in the outbox, and the next
        // process that starts notifications delivers it (a provider outage never holds `run` up).
        // A provider that never answers holds neither: past the wait, a row being sent keeps its
        // lease and idempotency key, and the next process sends it without a duplicate.
        const deadline = Date.now() + (options.emailWaitMs ?? 10_000);
        await started.notifier.idle(deadline - Date.now()).catch(() => undefined);
        const enough = new AbortController();
        await Promise.race([
          started.notifier.deliver({ timeoutMs: 0 }).catch(() => undefined),
          sleep(Math.max(1_000, deadline - Date.now()), enough.signal),
        ]);
        enough.abort();
        started.stop();
      }
      bus.close();
      state.close();
    },
  };
}
