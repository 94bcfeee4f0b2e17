// The whole dashboard over the real engine, bus, store and a temp state db, rendered by the real
// Ink renderer into fake streams of a chosen size.
import { afterEach, expect } from 'vitest';
import { ApprovalPending } from '../../src/agents/types.js';
import { connectStore, createDeckStore, hydrate, startFollower, type DeckStore, type Follower } from '../../src/store/index.js';
import { defaultCommands } from '../../src/ui/commands.js';
import { buildDashboard, type DashboardParts } from '../../src/ui/index.js';
import { makeContext, type TestContext } from '../helpers/context.js';
import { renderAt, type Rendered } from './harness.js';

export interface Mounted extends Rendered, DashboardParts {
  readonly t: TestContext;
  readonly store: DeckStore;
  /** The db follower, when mounted with `follow` (as the console runs it). */
  readonly follower: Follower | null;
  exitCode(): number | null;
  /** Applies pending bus events to the store now. */
  flush(): void;
  cleanup(): void;
}

export function mountDashboard(options: { columns?: number; rows?: number; root?: string; follow?: boolean } = {}): Mounted {
  const t = makeContext({ run: false, root: options.root });
  const store = createDeckStore();
  hydrate(store, t.state);
  const ingestion = connectStore(store, t.bus, { flushMs: 20 });
  const follower = options.follow ? startFollower({ state: t.state, store, ingestion, bus: t.bus, intervalMs: 20 }) : null;
  let code: number | null = null;
  const parts = buildDashboard({ root: t.root, engine: t.engine, store, bus: t.bus, project: 'crm-app', target: 'local', env: {}, commands: defaultCommands() }, (c) => {
    code = c;
  });
  const r = renderAt(parts.element, options.columns ?? 120, options.rows ?? 40);
  return {
    ...r,
    ...parts,
    t,
    store,
    follower,
    exitCode: () => code,
    flush: () => ingestion.flush(),
    cleanup() {
      r.unmount();
      follower?.stop();
      ingestion.stop();
      t.cleanup();
    },
  };
}

/** A `mount` for a test file: every dashboard it mounts is cleaned up after each test. */
export function useMounts(): (options?: Parameters<typeof mountDashboard>[0]) => Mounted {
  let mounted: Mounted[] = [];
  afterEach(() => {
    for (const m of mounted) m.cleanup();
    mounted = [];
  });
  return (options) => {
    const m = mountDashboard(options);
    mounted.push(m);
    return m;
  };
}

/**
 * A run of the stage agent waiting for the approval of a production deploy of `ticket`, as
 * `deploy production` files one, read back from the state db (R) as a run of another process is.
 */
export async function pendingDeployApproval(m: Mounted, ticket: string): Promise<void> {
  const ctx = m.t.engine.context({ agent: 'stage', run: true, ticketId: ticket, line: `deploy production --ticket ${ticket}` });
  const asked = ctx.requireApproval({ tool: 'deploy', args: { env: 'production' }, target: 'production', summary: `Deploy ${ticket} to production`, confirmText: ticket });
  await expect(asked).rejects.toBeInstanceOf(ApprovalPending);
  await m.press('R');
  m.flush();
}
