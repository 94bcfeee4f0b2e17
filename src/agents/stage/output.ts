// Streams a subprocess's output lines into the log pane as `output` events of the agent.
import { engineOf } from '../orchestrator/internals.js';
import { emitEvent } from '../emit.js';
import type { CommandContext } from '../types.js';

/** Returns an `onLine` callback for runProcess that streams each line; blank lines are skipped. */
export function outputStream(ctx: CommandContext, source: string): (line: string, stream: 'stdout' | 'stderr') => void {
  let bus: ReturnType<typeof engineOf>['bus'] | null = null;
  try {
    bus = engineOf(ctx).bus;
  } catch {
    bus = null;
  }
  return (line, stream) => {
    if (line.trim() === '') return;
    const data = { source, stream };
    if (bus) {
      bus.emit({
        agent: ctx.agent,
        kind: 'output',
        level: 'info',
        message: line,
        data,
        ...(ctx.runId ? { runId: ctx.runId } : {}),
        ...(ctx.ticketId ? { ticketId: ctx.ticketId } : {}),
      });
    } else {
      ctx.log('debug', line, { ...data, output: true });
    }
  };
}

/** Emits a `deployment` event (the dashboard's deployments view listens to these). */
export function deploymentEvent(ctx: CommandContext, level: 'info' | 'success' | 'warn' | 'error', message: string, data: Record<string, unknown>): void {
  emitEvent(ctx, 'deployment', level, message, data);
}
