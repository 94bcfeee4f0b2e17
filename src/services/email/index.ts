// The email service's front door: `startNotifications` wires a process (dashboard, `run`,
// `mcp`) once; afterwards `notify(kind, payload)` works from anywhere in that process.
import { loadProject } from '../config/project.js';
import type { EventBus } from '../events/bus.js';
import type { Level } from '../events/types.js';
import { registerHealthCheck } from '../health/registry.js';
import { openState, type StateDb } from '../state/db.js';
import { outboxCheck } from './health.js';
import { createNotifier, type Notifier, type NotifierOptions, type Queued } from './notifier.js';
import { subscribeNotifications } from './subscriber.js';
import type { NotificationPayload } from './templates.js';
import type { NotificationKind } from './types.js';

export type { Notifier, Queued } from './notifier.js';
export type { NotificationKind, OutboxEmail, SendOutcome, MailTransport } from './types.js';
export { NOTIFICATION_KINDS } from './types.js';
export { createNotifier } from './notifier.js';
export { emailSettings } from './config.js';
export { listOutbox } from './outbox-store.js';

/** Per project root: its notifier and the state db it writes (a closed db means start over). */
const notifiers = new Map<string, { notifier: Notifier; state: StateDb }>();
/** The notifier `notify()` uses: the one startNotifications installed last. */
let current: Notifier | null = null;

/** The notifier's own lines, as the orchestrator's log lines on the bus. */
function busLog(bus: Pick<EventBus, 'emit'>) {
  return (level: Level, message: string, data?: Record<string, unknown>): void => {
    bus.emit({ agent: 'orchestrator', kind: 'log', level, message, ...(data ? { data } : {}) });
  };
}

export interface StartOptions extends Omit<NotifierOptions, 'log'> {
  /** When given, approvals, failed runs and deployments on this bus become emails. */
  readonly bus?: EventBus;
}

/**
 * Installs this process's notifier, subscribes it to the bus and resumes any email a previous
 * process left in the outbox. Returns a stop function.
 */
export function startNotifications(options: StartOptions): { notifier: Notifier; stop: () => void } {
  const { bus } = options;
  const notifier = createNotifier({ ...options, ...(bus && !options.redact ? { redact: bus.redact } : {}), ...(bus ? { log: busLog(bus) } : {}) });
  const unsubscribe = bus ? subscribeNotifications(bus, (kind, payload) => notifier.notify(kind, payload)) : () => undefined;
  current = notifier;
  notifiers.set(options.project.root, { notifier, state: options.state });
  // The header's health light also tells about emails that failed or are stuck.
  const unregister = registerHealthCheck(outboxCheck());
  // Rows left pending by an earlier process (crash, quick exit) go out now.
  void notifier.deliver({ timeoutMs: 0 }).catch(() => undefined);
  return {
    notifier,
    stop: () => {
      unsubscribe();
      unregister();
      notifier.close();
      if (current === notifier) current = null;
      if (notifiers.get(options.project.root)?.notifier === notifier) notifiers.delete(options.project.root);
    },
  };
}

/**
 * The notifier of the project at `root`: the one installed by startNotifications, else one
 * opened on demand from the project's settings and state db.
 */
export function notifierFor(root: string, shared?: { state: StateDb; bus?: Pick<EventBus, 'emit' | 'redact'> }): Notifier {
  const existing = notifiers.get(root);
  if (existing?.state.db.isOpen) return existing.notifier;
  existing?.notifier.close();
  const project = loadProject(root);
  const state: StateDb = shared?.state ?? openState(project.root);
  const bus = shared?.bus;
  const notifier = createNotifier({ state, project, ...(bus ? { redact: bus.redact, log: busLog(bus) } : {}) });
  notifiers.set(root, { notifier, state });
  if (project.root !== root) notifiers.set(project.root, { notifier, state });
  return notifier;
}

/** Queues a notification through this process's notifier (the installed one, else the cwd project's). */
export function notify<K extends NotificationKind>(kind: K, payload: NotificationPayload<K>): Queued {
  return (current ?? notifierFor(process.cwd())).notify(kind, payload);
}
