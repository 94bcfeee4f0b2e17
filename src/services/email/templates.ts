// Renders each notification kind to a subject, a plain-text body and an HTML body.
import * as z from 'zod';
import { approvalHint } from '../../commands/defs/runs.js';
import { clipRedacted } from '../secrets/redact.js';
import { escapeHtml } from './html.js';
import type { NotificationKind, RenderedEmail } from './types.js';

const runRef = { runId: z.string().optional(), ticketId: z.string().optional() };

export const PAYLOAD_SCHEMAS = {
  deployment_finished: z.object({
    ...runRef,
    deploymentId: z.string(),
    env: z.string(),
    /** `merged`: the branch moved but no deploy command is configured, so nothing was deployed. */
    status: z.enum(['succeeded', 'merged', 'failed', 'rolled_back']).default('succeeded'),
    url: z.string().optional(),
    commit: z.string().optional(),
    summary: z.string().optional(),
  }),
  approval_waiting: z.object({
    ...runRef,
    approvalId: z.string(),
    summary: z.string(),
    target: z.string().default('local'),
    requestedBy: z.string().optional(),
    /** What the approver must type (the ticket id) when the approval asks for typed confirmation. */
    confirmText: z.string().nullish(),
    /** What exactly is approved beyond the summary (a config diff, a diffstat). */
    detail: z.array(z.string()).default([]),
  }),
  run_failed: z.object({
    ...runRef,
    runId: z.string(),
    command: z.string(),
    error: z.string(),
  }),
  incident_report: z.object({
    ...runRef,
    deploymentId: z.string(),
    env: z.string().default('production'),
    cause: z.string().optional(),
    durationMs: z.number().nonnegative().optional(),
    steps: z.array(z.string()).default([]),
    /** The written report (markdown), when the rollback wrote one. */
    report: z.string().optional(),
    reportPath: z.string().optional(),
  }),
  message: z.object({ ...runRef, message: z.string().min(1), subject: z.string().min(1).optional() }),
} as const satisfies Record<NotificationKind, z.ZodType>;

export type NotificationPayload<K extends NotificationKind> = z.input<(typeof PAYLOAD_SCHEMAS)[K]>;

interface Layout {
  readonly subject: string;
  readonly title: string;
  readonly intro: string;
  readonly facts: readonly (readonly [string, string | undefined])[];
  readonly list?: readonly string[];
  readonly next?: string;
  /** A preformatted document appended whole (the incident report's markdown). */
  readonly appendix?: string;
}

function layout(l: Layout): RenderedEmail {
  const facts = l.facts.filter((f): f is readonly [string, string] => typeof f[1] === 'string' && f[1] !== '');
  const text = [
    l.title,
    '',
    l.intro,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    ...(l.list && l.list.length > 0 ? ['', ...l.list.map((s) => `- ${s}`)] : []),
    ...(l.next ? ['', l.next] : []),
    ...(l.appendix ? ['', l.appendix.trimEnd()] : []),
    '',
    '-- agentdeck',
    '',
  ].join('\n');
  const rows = facts.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const list = l.list && l.list.length > 0 ? `<ul>${l.list.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>` : '';
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px">',
    `<h2 style="margin:0 0 8px">${escapeHtml(l.title)}</h2>`,
    `<p>${escapeHtml(l.intro)}</p>`,
    rows ? `<table>${rows}</table>` : '',
    list,
    l.next ? `<p><code>${escapeHtml(l.next)}</code></p>` : '',
    l.appendix ? `<pre style="white-space:pre-wrap">${escapeHtml(l.appendix.trimEnd())}</pre>` : '',
    '<p style="color:#888">agentdeck</p>',
    '</body></html>',
  ].join('');
  return { subject: l.subject, text, html };
}

function duration(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Validates the payload of `kind` and renders it; throws a ZodError naming the bad field. */
export function renderNotification<K extends NotificationKind>(kind: K, payload: NotificationPayload<K>): RenderedEmail {
  switch (kind) {
    case 'deployment_finished': {
      const p = PAYLOAD_SCHEMAS.deployment_finished.parse(payload);
      const verbs = { succeeded: 'finished', merged: 'only merged (nothing deployed)', failed: 'failed', rolled_back: 'was rolled back' } as const;
      const verb = verbs[p.status];
      return layout({
        subject: `Deployment ${p.deploymentId} to ${p.env} ${verb}`,
        title: `Deployment ${verb}`,
        intro: p.summary ?? `Deployment ${p.deploymentId} to ${p.env} ${verb}.`,
        facts: [
          ['Deployment', p.deploymentId],
          ['Environment', p.env],
          ['Status', p.status],
          ['Ticket', p.ticketId],
          ['Commit', p.commit],
          ['Link', p.url],
          ['Run', p.runId],
        ],
      });
    }
    case 'approval_waiting': {
      const p = PAYLOAD_SCHEMAS.approval_waiting.parse(payload);
      return layout({
        subject: `Approval waiting: ${p.summary}`,
        title: 'An approval is waiting for you',
        intro: p.summary,
        facts: [
          ['Approval', p.approvalId],
          ['Target', p.target],
          ['Ticket', p.ticketId],
          ['Requested by', p.requestedBy],
          ['Run', p.runId],
        ],
        // Preformatted: a diff keeps its -/+ columns.
        ...(p.detail.length > 0 ? { appendix: p.detail.join('\n') } : {}),
        // The same hint the console shows, with the typed confirmation when one is needed.
        next: `In the agentdeck console: ${approvalHint(p.approvalId, p.confirmText)}`,
      });
    }
    case 'run_failed': {
      const p = PAYLOAD_SCHEMAS.run_failed.parse(payload);
      return layout({
        subject: `Run ${p.runId} failed: ${p.command}`,
        title: 'A run failed',
        intro: p.error,
        facts: [
          ['Run', p.runId],
          ['Command', p.command],
          ['Ticket', p.ticketId],
        ],
        next: `@agent run status ${p.runId}`,
      });
    }
    case 'incident_report': {
      const p = PAYLOAD_SCHEMAS.incident_report.parse(payload);
      return layout({
        subject: `Incident report: emergency rollback of ${p.deploymentId}`,
        title: 'Incident report: emergency rollback',
        intro: `Deployment ${p.deploymentId} on ${p.env} was rolled back${p.cause ? ` because: ${p.cause}` : '.'}`,
        facts: [
          ['Deployment', p.deploymentId],
          ['Environment', p.env],
          ['Ticket', p.ticketId],
          ['Rollback took', duration(p.durationMs)],
          ['Report', p.reportPath],
          ['Run', p.runId],
        ],
        list: p.steps,
        ...(p.report ? { appendix: p.report } : {}),
      });
    }
    case 'message': {
      const p = PAYLOAD_SCHEMAS.message.parse(payload);
      const firstLine = p.message.split('\n')[0] ?? p.message;
      return layout({
        subject: p.subject ?? clipRedacted(firstLine, 72),
        title: 'Message from agentdeck',
        intro: p.message,
        facts: [
          ['Ticket', p.ticketId],
          ['Run', p.runId],
        ],
      });
    }
    default:
      throw new Error(`unknown notification kind "${String(kind)}"`);
  }
}
