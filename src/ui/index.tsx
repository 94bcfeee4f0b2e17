// The dashboard's entry: Ink in the alternate screen, sized to the terminal, and the terminal
// restored on every way out (q, Ctrl+C, a crash, SIGTERM/SIGHUP): Ink is unmounted first, which
// leaves the alternate screen, shows the cursor and ends raw mode.
import { render, type Instance } from 'ink';
import { basename } from 'node:path';
import type { EventBus } from '../services/events/bus.js';
import type { StateDb } from '../services/state/db.js';
import { searchEvents, type LogFilter } from '../services/events/filter.js';
import { hydrate } from '../store/hydrate.js';
import { toLogLine, type DeckStore } from '../store/store.js';
import { readRunDetail, readTicketDetail, type DetailDoc } from '../store/ui-detail.js';
import type { ReactElement } from 'react';
import { App, type Controller, type ViewRef } from './App.js';
import { createController, type CommandsApi, type DashboardEngine } from './controller.js';
import { detailLines } from './detail.js';
import { helpLines } from './help.js';
import { computeLayout } from './layout.js';
import { historyFile, historyPath, loadHistory } from './state/history.js';
import { createUiStore, type Detail, type UiStore } from './state/ui-store.js';
import { startSynthetic, syntheticFromEnv } from './synthetic.js';

export { runPlainLogger } from './plain-logger.js';

const HEALTH_DELAY_MS = 300;

export interface DashboardOptions {
  readonly root: string;
  readonly engine: DashboardEngine & { readonly state?: StateDb };
  readonly store: DeckStore;
  /** The bus, for the bench's synthetic stream (AGENTDECK_SYNTHETIC_EVENTS). */
  readonly bus?: EventBus;
  /** Shown in the header; default: the root's folder name. */
  readonly project?: string;
  /** `local`, or the linked Supabase project; default from SUPABASE_PROJECT_REF. */
  readonly target?: string;
  /** Reloads data (R); default: hydrate the store from the engine's state db. */
  readonly refresh?: () => Promise<void>;
  /** The command registry for the prompt and help; default: loaded just after the first frame. */
  readonly commands?: CommandsApi;
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Forces Ink's interactive mode (tests; default: detected from the terminal). */
  readonly interactive?: boolean;
  /** Route console output through Ink (default true). */
  readonly patchConsole?: boolean;
  /** Listen to process signals and crashes (default true; tests turn it off). */
  readonly handleProcess?: boolean;
  /**
   * Work that waits until the first frame is drawn (start-up time is the first frame). Keys typed
   * meanwhile wait unread and are handled, in order, once it settles; if it fails, the dashboard
   * ends with exit code 1 and says why.
   */
  readonly afterFirstFrame?: () => void | Promise<void>;
}

export interface Dashboard {
  readonly instance: Instance;
  /** Settles with the exit code once the dashboard is gone and the terminal restored. */
  readonly done: Promise<number>;
  /** Ends the dashboard (as `q` without the question). */
  exit(code?: number): void;
}

/** Mounts the dashboard; resolves with the exit code when it ends. */
export async function runDashboard(options: DashboardOptions): Promise<number> {
  return startDashboard(options).done;
}

export interface DashboardParts {
  readonly ui: UiStore;
  readonly controller: Controller;
  readonly element: ReactElement;
  readonly viewRef: ViewRef;
  /** Runs the health checks and publishes them (the header's light). */
  health(): Promise<void>;
  /** Loads what the first frame did not need (the registry, afterFirstFrame), then lets keys in. */
  finishStart(): Promise<void>;
}

/** Everything the dashboard is made of, wired, but not rendered (tests render it themselves). */
export function buildDashboard(options: DashboardOptions, exit: (code: number) => void): DashboardParts {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const path = historyPath(options.root);
  let registry = options.commands;
  const ui = createUiStore(loadHistory(path), registry !== undefined && options.afterFirstFrame === undefined);
  const viewRef: ViewRef = { layout: computeLayout(stdout.columns || 80, stdout.rows || 24), overlayLines: 0, typedAhead: { seen: false, lines: 0 } };
  const state = options.engine.state;
  const health = async (): Promise<void> => {
    if (options.bus) await (await import('../store/ui-health.js')).publishHealth(options.bus, options.root, env);
  };
  const refresh =
    options.refresh ??
    (async () => {
      if (state) hydrate(options.store, state);
      await health();
    });
  // Keys reach the controller only once inputReady is set, and that waits for the registry.
  const loaded = (): CommandsApi => {
    if (!registry) throw new Error('the command registry is not loaded yet');
    return registry;
  };
  const commands: CommandsApi = {
    parse: (line) => loaded().parse(line),
    complete: (line) => loaded().complete(line),
    confirmOf: (line) => loaded().confirmOf?.(line) ?? null,
    overview: (width) => loaded().overview?.(width) ?? [],
  };
  const help = (width: number): string[] => helpLines(width, commands.overview!);
  const finishStart = async (): Promise<void> => {
    if (ui.getState().inputReady) return;
    const [api] = await Promise.all([registry ?? import('./commands.js').then((m) => m.defaultCommands()), options.afterFirstFrame?.()]);
    registry = api;
    ui.setState({ inputReady: true });
  };
  const controller = createController({
    ui,
    deck: options.store,
    engine: options.engine,
    commands,
    history: historyFile(path, options.bus?.redact),
    redact: options.bus?.redact,
    exit: () => exit(0),
    view: () => viewRef,
    refresh,
    ...(state
      ? {
          searchHistory: (f: LogFilter, limit: number, beforeRow?: number) => {
            // What this process emitted is in the db before the search reads it.
            options.bus?.flush();
            return searchEvents(state, f, { limit, ...(beforeRow !== undefined ? { beforeId: beforeRow } : {}) }).map(toLogLine);
          },
        }
      : {}),
  });
  const detail = (d: Detail): DetailDoc | null =>
    !state || d.kind === 'outcome' ? null : d.kind === 'run' ? readRunDetail(state, d.id) : readTicketDetail(state, d.id);
  const element = (
    <App
      deck={options.store}
      ui={ui}
      controller={controller}
      project={options.project ?? (basename(options.root) || 'project')}
      target={options.target ?? (env.SUPABASE_PROJECT_REF ? `linked ${env.SUPABASE_PROJECT_REF}` : 'local')}
      helpLines={help}
      detailLines={(d, deck) => detailLines(d, deck, detail(d), ui.getState().outcome)}
      viewRef={viewRef}
    />
  );
  return { ui, controller, element, viewRef, health, finishStart };
}

export function startDashboard(options: DashboardOptions): Dashboard {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let code = 0;
  let instance: Instance | null = null;
  let ended = false;
  const cleanups: (() => void)[] = [];

  const exit = (exitCode = 0): void => {
    if (ended) return;
    ended = true;
    code = exitCode;
    for (const c of cleanups.splice(0)) {
      try {
        c();
      } catch {
        // A terminal that is gone (EIO from setRawMode): the rest still has to be undone.
      }
    }
    instance?.unmount();
    // Back on the shell's screen: lines echoed there for keys typed ahead (and already run in the
    // dashboard) are cleared, from the line the start-up cleared, up.
    const echoed = viewRef.typedAhead?.lines ?? 0;
    if (echoed > 0 && stdout.isTTY) stdout.write(`\x1b[${echoed}A\r\x1b[J`);
  };

  const stdin = options.stdin ?? process.stdin;
  const { element, health, finishStart, ui, viewRef } = buildDashboard(options, exit);
  // Keys typed before the dashboard takes input stay unread in the terminal; raw mode now keeps
  // the terminal from echoing them over the first frame. Ink owns raw mode once input is on.
  if (!ui.getState().inputReady && stdin.isTTY && typeof stdin.setRawMode === 'function') {
    stdin.setRawMode(true);
    cleanups.push(() => {
      if (!ui.getState().inputReady) stdin.setRawMode(false);
    });
  }
  // Keys typed before raw mode (while Node started) were echoed by the terminal onto the shell's
  // screen, the line the shell left the cursor on. The dashboard runs them; clearing that line now
  // keeps their echo from showing on the shell after quitting. Raw mode is on, so nothing typed
  // from here is echoed.
  if (stdout.isTTY && (options.interactive ?? true)) stdout.write('\r\x1b[2K');
  instance = render(element, {
    stdout,
    stdin,
    stderr,
    alternateScreen: true,
    // The caller decided this is a terminal; Ink alone would turn interactivity off whenever a CI
    // variable is set, even inside a real terminal.
    interactive: options.interactive ?? Boolean(stdout.isTTY),
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    // Frames caused by the event stream are throttled by the panes (useThrottledStore); a higher cap
    // only lets keystrokes echo sooner.
    maxFps: 60,
    incrementalRendering: true,
  });

  // The first frame is on the screen: load the rest (registry, afterFirstFrame), then take keys.
  const after = setTimeout(() => {
    finishStart().catch((err: unknown) => {
      if (ended) return;
      exit(1);
      stderr.write(`agentdeck: the dashboard could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  }, 0);
  cleanups.push(() => clearTimeout(after));

  // Off the render path, and after the first frame: the checks load the HTTP stack (undici, TLS),
  // which would otherwise compete with the first frame.
  const healthTimer = setTimeout(() => void health().catch(() => undefined), HEALTH_DELAY_MS);
  cleanups.push(() => clearTimeout(healthTimer));

  const synthetic = syntheticFromEnv(env);
  if (synthetic && options.bus) cleanups.push(startSynthetic(options.bus, synthetic));

  if (options.handleProcess !== false) {
    const onSignal = (signal: NodeJS.Signals): void => exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
    const onCrash = (err: unknown): void => {
      exit(1);
      // After the unmount the terminal is back to normal, so the reason can be printed.
      stderr.write(`agentdeck: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    };
    for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(sig, onSignal);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    cleanups.push(() => {
      for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.off(sig, onSignal);
      // Crash handlers stay until the exit completes, then go.
      setImmediate(() => {
        process.off('uncaughtException', onCrash);
        process.off('unhandledRejection', onCrash);
      });
    });
  }

  const done = instance.waitUntilExit().then(
    () => {
      exit(code);
      return code;
    },
    (err: unknown) => {
      // A render error: Ink has unmounted (terminal restored); say why in one block.
      exit(1);
      stderr.write(`agentdeck: the dashboard stopped: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    },
  );

  return { instance, done, exit };
}
