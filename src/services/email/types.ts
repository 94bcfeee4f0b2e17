// The email vocabulary: what a notification is about, what the outbox holds, how a send ended.

/** Why an email is sent. One email per run and reason (the outbox's dedupe key). */
export const NOTIFICATION_KINDS = ['deployment_finished', 'approval_waiting', 'run_failed', 'incident_report', 'message'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A rendered email: both bodies are always present. */
export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** One outbox row, as the delivery loop sees it. */
export interface OutboxEmail extends RenderedEmail {
  readonly id: string;
  readonly reason: NotificationKind;
  readonly dedupeKey: string;
  readonly runId: string | null;
  readonly to: readonly string[];
  readonly from: string;
  readonly status: OutboxStatus;
  readonly attempts: number;
  /** Sent unchanged on every attempt, so the provider delivers it once. */
  readonly idempotencyKey: string;
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  readonly providerId: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
}

/** pending: waiting for its first or next attempt; sending: claimed by a worker (lease in next_attempt_at). */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** How one delivery attempt ended. */
export type SendOutcome =
  | { readonly kind: 'sent'; readonly providerId: string }
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly kind: 'failed'; readonly reason: string };

/** Where mail goes: Resend, or `.eml` files when no API key is configured. */
export interface MailTransport {
  readonly name: 'resend' | 'eml';
  send(email: OutboxEmail, signal?: AbortSignal): Promise<SendOutcome>;
}
