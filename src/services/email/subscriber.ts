// Turns bus events into notifications, so no agent has to call the notifier itself:
// a pending approval, a failed run, a finished (or rolled back) deployment, and the incident
// report after an emergency rollback: the report StageAgent wrote, with the run's own log lines.
import { readFileSync } from 'node:fs';
import type { EventBus } from '../events/bus.js';
import type { ApprovalPayload, DeploymentPayload, RunPayload } from '../events/payloads.js';
import type { AgentEvent } from '../events/types.js';
import type { NotificationPayload } from './templates.js';
import type { NotificationKind } from './types.js';

type Notify = <K extends NotificationKind>(kind: K, payload: NotificationPayload<K>) => unknown;

const SUCCEEDED = /^(succeeded|success|deployed|done|live|finished|ok)$/i;
const ROLLED_BACK = /^(rolled_back|rolledback|reverted)$/i;
/** Run end states that mail a failure notice (a run that needs manual recovery failed too). */
const FAILED_RUN: ReadonlySet<string> = new Set(['failed', 'needs_manual']);
const MAX_STEPS = 40;
const MAX_RUNS = 200;
const EMERGENCY_ROLLBACK = 'emergency rollback last deployment';

interface RunTrack {
  startedAt: number;
  commandId: string | null;
  lines: string[];
  /** The deployment an emergency rollback rolled back, once its event passed. */
  rolledBack?: { id: string; env: string; cause?: string };
}

/**
 * The subscriber itself (exported for tests). A notification is written to the outbox inside the
 * emitter's call: when the emitter holds a state-db transaction (the engine emits a run's terminal
 * event in the transaction that stores that state), the outbox row commits or rolls back with it,
 * so a process that exits right after the run cannot lose the email. Delivery itself starts later.
 */
export function notificationSubscriber(notify: Notify): (event: AgentEvent) => void {
  const runs = new Map<string, RunTrack>();
  const track = (e: AgentEvent): RunTrack | undefined => {
    if (!e.runId) return undefined;
    let entry = runs.get(e.runId);
    if (!entry) {
      entry = { startedAt: e.ts, commandId: null, lines: [] };
      runs.set(e.runId, entry);
      // Memory stays bounded in a long session: the oldest runs are forgotten.
      if (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value as string);
    }
    if (e.kind === 'log' && e.level !== 'debug') {
      entry.lines.push(`[${e.agent.toUpperCase()}] ${e.message}`);
      if (entry.lines.length > MAX_STEPS) entry.lines.shift();
    }
    return entry;
  };
  const safely = (fn: () => void): void => {
    try {
      fn();
    } catch {
      // A malformed event (or a closed state db) must never break the bus or the emitter.
    }
  };
  const isEmergency = (entry: RunTrack | undefined, line?: string): boolean =>
    entry?.commandId === EMERGENCY_ROLLBACK || (line ?? '').startsWith(EMERGENCY_ROLLBACK);

  const incident = (e: AgentEvent, entry: RunTrack | undefined, report?: { path: string; text?: string }): void => {
    const rolled = entry?.rolledBack;
    const steps = entry ? [...entry.lines] : [];
    const durationMs = entry ? Math.max(0, e.ts - entry.startedAt) : undefined;
    safely(() =>
      notify('incident_report', {
        deploymentId: rolled?.id ?? 'last deployment',
        env: rolled?.env ?? 'production',
        steps,
        ...(e.runId ? { runId: e.runId } : {}),
        ...(e.ticketId ? { ticketId: e.ticketId } : {}),
        ...(durationMs !== undefined ? { durationMs } : {}),
        ...(rolled?.cause ? { cause: rolled.cause } : {}),
        ...(report ? { reportPath: report.path } : {}),
        ...(report?.text ? { report: report.text } : {}),
      }),
    );
  };

  return (e: AgentEvent) => {
    const entry = track(e);
    const data = e.data as Record<string, unknown> | undefined;
    if (e.kind === 'log') {
      // StageAgent's "Incident report generated" line carries where it wrote the report.
      const written = data?.incident as { path?: unknown } | undefined;
      if (typeof written?.path === 'string') {
        const path = written.path;
        let text: string | undefined;
        try {
          text = readFileSync(path, 'utf8');
        } catch {
          // The report file is gone: the email still goes, with the run's lines.
        }
        incident(e, entry, { path, ...(text ? { text } : {}) });
      }
    } else if (e.kind === 'approval') {
      const a = (data as ApprovalPayload | undefined)?.approval;
      if (!a || a.status !== 'pending' || data?.reminder === true) return;
      safely(() =>
        notify('approval_waiting', {
          approvalId: a.id,
          summary: a.summary,
          target: a.target,
          ...(a.confirmText ? { confirmText: a.confirmText } : {}),
          ...(a.detail?.length ? { detail: [...a.detail] } : {}),
          ...(a.runId ? { runId: a.runId } : {}),
          ...(a.ticketId ? { ticketId: a.ticketId } : {}),
        }),
      );
    } else if (e.kind === 'run') {
      const r = (data as RunPayload | undefined)?.run;
      if (!r) return;
      const run = runs.get(r.id) ?? entry;
      if (run && r.commandId) run.commandId = r.commandId;
      if (FAILED_RUN.has(r.status)) {
        safely(() => notify('run_failed', { runId: r.id, command: r.line, error: e.message, ...(r.ticketId ? { ticketId: r.ticketId } : {}) }));
      } else if (r.status === 'done' && isEmergency(run, r.line)) {
        // Normally the report line came first (same dedupe key); this covers a run without one.
        incident({ ...e, runId: r.id }, run);
      }
      if (r.status === 'done' || r.status === 'cancelled' || FAILED_RUN.has(r.status)) runs.delete(r.id);
    } else if (e.kind === 'deployment') {
      const d = (data as DeploymentPayload | undefined)?.deployment;
      if (!d) return;
      if (ROLLED_BACK.test(d.status) && isEmergency(entry)) {
        // The incident report follows once StageAgent has written it.
        const cause = typeof data?.cause === 'string' ? data.cause : undefined;
        if (entry) entry.rolledBack = { id: d.id, env: d.env, ...(cause ? { cause } : {}) };
        return;
      }
      const status = d.status === 'failed' ? 'failed' : d.status === 'merged' ? 'merged' : ROLLED_BACK.test(d.status) ? 'rolled_back' : SUCCEEDED.test(d.status) ? 'succeeded' : null;
      if (!status) return;
      safely(() =>
        notify('deployment_finished', {
          deploymentId: d.id,
          env: d.env,
          status,
          ...(e.runId ? { runId: e.runId } : {}),
          ...(d.ticketId ? { ticketId: d.ticketId } : {}),
          ...(typeof data?.url === 'string' ? { url: data.url } : {}),
          ...(typeof data?.summary === 'string' ? { summary: data.summary } : {}),
        }),
      );
    }
  };
}

/** Subscribes the notifier to the bus; returns the unsubscribe function. */
export function subscribeNotifications(bus: Pick<EventBus, 'subscribe'>, notify: Notify): () => void {
  return bus.subscribe(notificationSubscriber(notify));
}
