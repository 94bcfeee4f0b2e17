// Delivery through the official `resend` SDK. The SDK never throws and never retries; this
// module turns its `{ data, error, headers }` into a SendOutcome: retry 429 (honouring
// `retry-after`), 5xx, 409 concurrent-idempotent and network failures; fail everything else
// (validation, auth, bad sender) at once with Resend's own message.
import type { Resend } from 'resend';
import type { MailTransport, OutboxEmail, SendOutcome } from './types.js';

export interface ResendOptions {
  readonly apiKey: string;
  /** Defaults to RESEND_BASE_URL, then https://api.resend.com (the SDK's own rule). */
  readonly baseUrl?: string;
}

interface ResendError {
  readonly name?: string;
  readonly message?: string;
  readonly statusCode?: number | null;
}

/** `retry-after` is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function classify(error: ResendError, headers: Record<string, string> | null): SendOutcome {
  const status = typeof error.statusCode === 'number' ? error.statusCode : null;
  const what = `${error.name ?? 'error'}: ${error.message ?? 'no message'}`;
  if (status === null) return { kind: 'retry', reason: `network error (${error.message ?? 'no response'})` };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers?.['retry-after']);
    return { kind: 'retry', reason: `rate limited (429 ${what})`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status >= 500) return { kind: 'retry', reason: `Resend server error (${status} ${what})` };
  if (status === 409 && error.name === 'concurrent_idempotent_requests') return { kind: 'retry', reason: `409 ${what}` };
  return { kind: 'failed', reason: `Resend refused the email (${status} ${what})` };
}

export function resendTransport(options: ResendOptions): MailTransport {
  // The SDK loads on the first send, so commands that send no mail do not pay for it.
  let client: Promise<Resend> | undefined;
  const getClient = (): Promise<Resend> =>
    (client ??= import('resend').then(({ Resend }) => new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined)));
  return {
    name: 'resend',
    async send(email: OutboxEmail): Promise<SendOutcome> {
      const { data, error, headers } = await (await getClient()).emails.send(
        { from: email.from, to: [...email.to], subject: email.subject, text: email.text, html: email.html },
        { idempotencyKey: email.idempotencyKey },
      );
      if (error) return classify(error as ResendError, headers);
      if (!data?.id) return { kind: 'retry', reason: 'Resend answered without an email id' };
      return { kind: 'sent', providerId: data.id };
    },
  };
}
