// Writes an email as an RFC 5322 `.eml` file (multipart/alternative: text and HTML), the
// offline transport used when no RESEND_API_KEY is configured. Opens in any mail client.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../state/db.js';
import type { MailTransport, OutboxEmail, SendOutcome } from './types.js';

export function outboxDir(root: string): string {
  return join(stateDir(root), 'outbox');
}

/** RFC 2047 encoded-word for non-ASCII header values. */
function encodeHeader(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

/** Base64 body lines of at most 76 characters. */
function base64Body(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g)
      ?.join('\r\n') ?? ''
  );
}

export function toEml(email: OutboxEmail, date = new Date()): string {
  const boundary = `agentdeck-${email.idempotencyKey}`;
  return [
    `From: ${encodeHeader(email.from)}`,
    `To: ${email.to.map(encodeHeader).join(', ')}`,
    `Subject: ${encodeHeader(email.subject)}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${email.idempotencyKey}@agentdeck.local>`,
    `X-Agentdeck-Reason: ${email.reason}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Body(email.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Body(email.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** The offline transport: one file per outbox row, named by its id (a retry overwrites it). */
export function emlTransport(root: string): MailTransport {
  return {
    name: 'eml',
    async send(email: OutboxEmail): Promise<SendOutcome> {
      try {
        const dir = outboxDir(root);
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${email.createdAt.replace(/[:.]/g, '-')}_${email.reason}_${email.id}.eml`);
        // Write then rename, so a reader never sees half a file.
        writeFileSync(`${file}.tmp`, toEml(email), { mode: 0o600 });
        renameSync(`${file}.tmp`, file);
        return { kind: 'sent', providerId: file };
      } catch (error) {
        return { kind: 'failed', reason: `could not write the .eml file: ${(error as Error).message}` };
      }
    },
  };
}
