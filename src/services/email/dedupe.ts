// One email per run and reason: the outbox's dedupe key for each notification.
import { createHash, randomUUID } from 'node:crypto';
import type { NotificationPayload } from './templates.js';
import type { NotificationKind } from './types.js';

type AnyPayload = NotificationPayload<NotificationKind> & Record<string, unknown>;

export function dedupeKey(kind: NotificationKind, payload: AnyPayload): string {
  const run = typeof payload.runId === 'string' ? payload.runId : null;
  const field = (name: string): string => (typeof payload[name] === 'string' ? (payload[name] as string) : '-');
  switch (kind) {
    case 'deployment_finished':
      return `deployment_finished:${field('deploymentId')}:${field('status') === '-' ? 'succeeded' : field('status')}`;
    case 'approval_waiting':
      return `approval_waiting:${field('approvalId')}`;
    case 'run_failed':
      return `run_failed:${field('runId')}`;
    case 'incident_report':
      return `incident_report:${run ?? field('deploymentId')}`;
    case 'message': {
      // A message outside any run is always new; inside a run, the same text is sent once.
      if (!run) return `message:${randomUUID()}`;
      const digest = createHash('sha256').update(field('message')).digest('hex').slice(0, 16);
      return `message:${run}:${digest}`;
    }
    default:
      return `${String(kind)}:${run ?? randomUUID()}`;
  }
}
