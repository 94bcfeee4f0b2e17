// `agentdeck` with no verb: the dashboard in a terminal; otherwise (piped, CI) the same store
// printed as plain lines, with commands read from stdin one per line.
import { createInterface } from 'node:readline';
import { loadProject } from '../services/config/project.js';
import { redactDeep } from '../services/secrets/redact.js';
import { connectStore, createDeckStore, hydrate } from '../store/index.js';
import { EXIT_FAILED, EXIT_OK } from './exit.js';
import { optional } from './external.js';
import type { Io } from './io.js';
import { printResult } from './print.js';
import { openSession, type Session } from './session.js';

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
  // Time to the first frame: the UI chunk loads while the state db and engine open.
  const uiLoading = interactive ? optional(() => import('../ui/index.js')) : undefined;
  const session = await openSession(project, { approvalCheckMs: interactive ? 30_000 : 0, deferNotifications: interactive });
  const store = createDeckStore();
  hydrate(store, session.state);
  const ingestion = connectStore(store, session.bus);
  const stops: (() => void)[] = [];
  try {
    if (!interactive) return await plainConsole(io, session, options.stdin, store, ingestion);
    const ui = await uiLoading;
    if (!ui) {
      io.err('agentdeck: the dashboard is not part of this build; use agentdeck run "<command>"');
      return EXIT_FAILED;
    }
    // After the first frame: the email notifier, and the local backup schedules (they run while
    // the console is open; their outcome is a log line).
    let closing = false;
    stops.push(() => {
      closing = true;
    });
    const afterFirstFrame = (): void => {
      void session.startNotifications().catch((err: unknown) => logError(session, 'orchestrator', `email notifications did not start: ${String(err)}`));
      void import('../agents/ops/scheduled.js').then(({ startBackupScheduler }) => {
        if (closing) return;
        stops.push(
          startBackupScheduler(
            project.root,
            (line, o) => session.engine.dispatch(line, o),
            60_000,
            (report) => {
              for (const line of report.lines) session.bus.emit({ agent: 'ops', kind: 'log', level: report.ok ? 'info' : 'error', message: line });
            },
          ),
        );
      }, (err: unknown) => logError(session, 'ops', `backup scheduler did not start: ${String(err)}`));
    };
    return await ui.runDashboard({
      root: project.root,
      engine: session.engine,
      store,
      bus: session.bus,
      project: project.config.name,
      env: options.env,
      afterFirstFrame,
    });
  } finally {
    for (const stop of stops) stop();
    ingestion.stop();
    await session.close();
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
      const result = redactDeep(await session.engine.dispatch(line, { initiator: 'you' }), session.bus.redact);
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
