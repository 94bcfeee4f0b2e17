// The notifier: renders a notification, redacts it, writes it to the outbox (durable, one per
// run and reason) and delivers it in the background, retrying on its own schedule.
import type { Level } from '../events/types.js';
import type { Redactor } from '../secrets/redact.js';
import { createRedactor } from '../secrets/redact.js';
import type { StateDb } from '../state/db.js';
import { emailSettings, transportFor, type EmailSettings } from './config.js';
import { dedupeKey } from './dedupe.js';
import { drain, type DeliveryOptions, type AttemptResult } from './delivery.js';
import { enqueue, getOutbox, markFailed, nextDueAt } from './outbox-store.js';
import { renderNotification, type NotificationPayload } from './templates.js';
import type { MailTransport, NotificationKind, OutboxEmail } from './types.js';

export type ProjectForEmail = Parameters<typeof emailSettings>[0] & { readonly secrets?: readonly string[] };

export interface NotifierOptions {
  readonly state: StateDb;
  readonly project: ProjectForEmail;
  readonly redact?: Redactor;
  /** Defaults to Resend with RESEND_API_KEY, else `.eml` files. */
  readonly transport?: MailTransport;
  readonly delivery?: Omit<DeliveryOptions, 'transport' | 'ids'>;
  /** Where the notifier's own lines go (the bus, as the orchestrator). */
  readonly log?: (level: Level, message: string, data?: Record<string, unknown>) => void;
}

export interface Queued {
  readonly email: OutboxEmail;
  /** False when the same run already had this notification (nothing new was queued). */
  readonly created: boolean;
}

export interface Notifier {
  readonly settings: EmailSettings;
  readonly transport: MailTransport;
  /** Queues one notification and starts delivering it in the background. */
  notify<K extends NotificationKind>(kind: K, payload: NotificationPayload<K>): Queued;
  /** Delivers the given rows (or all due rows) now, waiting up to `timeoutMs` for retries. */
  deliver(options?: { ids?: readonly string[]; timeoutMs?: number; signal?: AbortSignal }): Promise<OutboxEmail[]>;
  /** Resolves when the background worker is idle (or after `timeoutMs`). */
  idle(timeoutMs?: number): Promise<void>;
  close(): void;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { state } = options;
  const settings = emailSettings(options.project);
  const transport = options.transport ?? transportFor(options.project);
  const redact = options.redact ?? createRedactor(options.project.secrets ?? []);
  const log = options.log ?? (() => undefined);
  let closed = false;
  let running: Promise<void> | null = null;
  /** Every delivery under way (background or foreground), for idle(). */
  const active = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    active.add(p);
    void p.then(
      () => active.delete(p),
      () => active.delete(p),
    );
    return p;
  };
  /** Set while a caller delivers in the foreground; the background loop stays out of its way. */
  let holding = 0;
  let timer: NodeJS.Timeout | undefined;
  const stop = new AbortController();

  const onAttempt = (email: OutboxEmail, r: AttemptResult): void => {
    const to = email.to.join(', ');
    if (r.kind === 'sent') {
      log('success', transport.name === 'eml' ? `Email written to ${r.providerId}` : `Email sent to ${to}: ${email.subject}`, { outboxId: email.id });
    } else if (r.kind === 'failed') {
      log('error', `Email to ${to} failed: ${r.reason}`, { outboxId: email.id });
    } else {
      log('warn', `Email to ${to} will be retried at ${new Date(r.at).toISOString()}: ${r.reason}`, { outboxId: email.id });
    }
  };
  const delivery = (ids?: readonly string[]): DeliveryOptions => ({ ...options.delivery, transport, onAttempt, ...(ids ? { ids } : {}) });

  /** Background loop: delivers what is due, then sleeps (unref'd) until the next row is due. */
  const kick = (): void => {
    if (closed || running || holding > 0) return;
    running = track((async () => {
      try {
        await drain(state, { ...delivery(), timeoutMs: 0, signal: stop.signal });
      } catch (error) {
        log('error', `Email delivery stopped: ${(error as Error).message}`);
      } finally {
        running = null;
      }
      if (closed || !state.db.isOpen) return;
      const due = nextDueAt(state);
      if (due === null) return;
      const now = (options.delivery?.now ?? Date.now)();
      timer = setTimeout(kick, Math.max(0, due - now));
      timer.unref();
    })());
  };

  return {
    settings,
    transport,
    notify(kind, payload) {
      const rendered = renderNotification(kind, payload);
      const record = payload as Record<string, unknown>;
      const { email, created } = enqueue(state, {
        reason: kind,
        dedupeKey: dedupeKey(kind, record as never),
        runId: typeof record.runId === 'string' ? record.runId : null,
        to: settings.to,
        from: settings.from,
        subject: redact(`${settings.subjectPrefix} ${rendered.subject}`.trim()),
        text: redact(rendered.text),
        html: redact(rendered.html),
      });
      if (created && settings.problem) {
        markFailed(state, email.id, settings.problem);
        log('error', `Email not sent: ${settings.problem}`, { outboxId: email.id });
        return { email: getOutbox(state, email.id) ?? email, created };
      }
      // Delivery starts once the caller's synchronous work (and any transaction it holds, which
      // the outbox row joined) is over; idle() already counts it.
      if (created) void track(Promise.resolve().then(kick));
      return { email, created };
    },
    deliver(opts = {}) {
      return track(deliverNow(opts));
    },
    async idle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (active.size > 0 && Date.now() < deadline) {
        let timeout: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...active]), new Promise((r) => (timeout = setTimeout(r, Math.max(1, deadline - Date.now())).unref()))]);
        clearTimeout(timeout);
      }
    },
    close() {
      closed = true;
      stop.abort();
      if (timer) clearTimeout(timer);
    },
  };

  async function deliverNow(opts: { ids?: readonly string[]; timeoutMs?: number; signal?: AbortSignal }): Promise<OutboxEmail[]> {
    holding++;
    try {
      // A row the background loop holds would look leased: let it finish first.
      while (running) await running;
      await drain(state, {
        ...delivery(opts.ids),
        timeoutMs: opts.timeoutMs ?? 10_000,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } finally {
      holding--;
      kick();
    }
    const ids = opts.ids ?? [];
    return ids.map((id) => getOutbox(state, id)).filter((e): e is OutboxEmail => e !== null);
  }
}
