// Events other than log lines (progress, deployment, health...) from inside a handler, on the
// engine's bus with the run and ticket of the context; a context without an engine (a bare
// test context) gets a log line instead.
import type { EventKind, Level } from '../services/events/types.js';
import { engineOf } from './orchestrator/internals.js';
import type { CommandContext } from './types.js';

export function emitEvent(ctx: CommandContext, kind: EventKind, level: Level, message: string, data: Record<string, unknown>): void {
  try {
    engineOf(ctx).bus.emit({
      agent: ctx.agent,
      kind,
      level,
      message,
      data,
      ...(ctx.runId ? { runId: ctx.runId } : {}),
      ...(ctx.ticketId ? { ticketId: ctx.ticketId } : {}),
    });
  } catch {
    ctx.log(level, message, data);
  }
}
