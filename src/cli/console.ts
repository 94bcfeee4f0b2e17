// `agentdeck` with no verb: the dashboard in a terminal; otherwise (piped, CI) the same store
// printed as plain lines, with commands read from stdin one per line.
import { createInterface } from 'node:readline';
import { loadProject } from '../services/config/project.js';
import { redactDeep } from '../services/secrets/redact.js';
import { connectStore, createDeckStore, hydrate, startFollower } from '../store/index.js';
import { EXIT_FAILED, EXIT_OK } from './exit.js';
import { optional } from './external.js';
import type { Io } from './io.js';
import { printResult } from './print.js';
import { openProjectState } from './project-state.js';
import type { Session } from './session.js';

export interface ConsoleOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export async function runConsole(io: Io, options: ConsoleOptions): Promise<number> {
  // A ConfigError propagates: main() prints its lines and exits with EXIT_USAGE.
  const project = loadProject(options.cwd, options.env);
  for (const w of project.warnings) io.err(w);
  const interactive = io.isTTY && options.stdin.isTTY === true;
  // Time to the first frame: the UI chunk loads while the state db opens and the store fills;
  // the engine and the command registry load just after the first frame.
  const uiLoading = interactive ? optional(() => import('../ui/index.js')) : undefined;
  const opened = openProjectState(project);
  const store = createDeckStore();
  hydrate(store, opened.state);
  const ingestion = connectStore(store, opened.bus);
  let sessionOpening: Promise<Session> | undefined;
  const session = (): Promise<Session> =>
    (sessionOpening ??= import('./session.js').then((m) =>
      m.openSession(project, { opened, approvalCheckMs: interactive ? 30_000 : 0, deferNotifications: interactive }),
    ));
  const stops: (() => void)[] = [];
  try {
    if (!interactive) return await plainConsole(io, await session(), options.stdin, store, ingestion);
    const ui = await uiLoading;
    if (!ui) {
      io.err('agentdeck: the dashboard is not part of this build; use agentdeck run "<command>"');
      return EXIT_FAILED;
    }
    let closing = false;
    stops.push(() => {
      closing = true;
    });
    // Work started elsewhere (`run`, Claude Code over MCP, another console) shows as it happens.
    const follower = startFollower({ state: opened.state, store, ingestion, bus: opened.bus });
    stops.push(() => follower.stop());
    // After the first frame: the engine (keys wait for it), then the email notifier and the local
    // backup schedules (they run while the console is open; their outcome is a log line).
    const afterFirstFrame = async (): Promise<void> => {
      const s = await session();
      void s.startNotifications().catch((err: unknown) => logError(s, 'orchestrator', `email notifications did not start: ${String(err)}`));
      void import('../agents/ops/scheduled.js').then(({ startBackupScheduler }) => {
        if (closing) return;
        stops.push(
          startBackupScheduler(
            project.root,
            (line, o) => s.engine.dispatch(line, o),
            60_000,
            (report) => {
              for (const line of report.lines) s.bus.emit({ agent: 'ops', kind: 'log', level: report.ok ? 'info' : 'error', message: line });
            },
          ),
        );
      }, (err: unknown) => logError(s, 'ops', `backup scheduler did not start: ${String(err)}`));
    };
    return await ui.runDashboard({
      root: project.root,
      engine: { state: opened.state, dispatch: async (line, o) => (await session()).engine.dispatch(line, o) },
      store,
      bus: opened.bus,
      project: project.config.name,
      env: options.env,
      afterFirstFrame,
    });
  } finally {
    for (const stop of stops) stop();
    ingestion.stop();
    // The session closes the state db and the bus; if it never opened, close them here.
    const s = await sessionOpening?.catch(() => undefined);
    if (s) await s.close();
    else {
      opened.bus.close();
      opened.state.close();
    }
  }
}

function logError(session: Session, agent: 'orchestrator' | 'ops', message: string): void {
  session.bus.emit({ agent, kind: 'log', level: 'error', message });
}

async function plainConsole(
  io: Io,
  session: Session,
  stdin: NodeJS.ReadableStream,
  store: ReturnType<typeof createDeckStore>,
  ingestion: ReturnType<typeof connectStore>,
): Promise<number> {
  const { runPlainLogger } = await import('../ui/plain-logger.js');
  const stopLogger = runPlainLogger(store, { write: io.out });
  io.err('agentdeck: not a terminal: reading commands from stdin, one per line (agentdeck run "<command>" runs one)');
  let failed = false;
  try {
    const lines = createInterface({ input: stdin, crlfDelay: Infinity, terminal: false });
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      // Lines piped in come from a script (or a model's shell tool), not a person at a terminal:
      // they may ask for approvals but not decide them.
      const result = redactDeep(await session.engine.dispatch(line, { initiator: 'script' }), session.bus.redact);
      ingestion.flush();
      const said = new Set(store.getState().logs.slice(-50).map((l) => l.message));
      printResult(io, result, said);
      if (!result.ok) failed = true;
    }
  } finally {
    ingestion.flush();
    stopLogger();
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}
