// The one subprocess runner: argument arrays only (never a shell), output streamed line by line,
// a timeout and an abort signal. Every agent that runs git, tests, linters or deploy commands uses it.
import { spawn } from 'node:child_process';

export interface RunOptions {
  readonly cwd?: string;
  /** Merged over process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** Kills the process (SIGTERM, then SIGKILL after 2 s) when it runs longer. */
  readonly timeoutMs?: number;
  /** Called with every complete output line (without the newline), in order per stream. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Written to the process's stdin, which is then closed. */
  readonly input?: string;
}

export interface RunResult {
  readonly cmd: string;
  readonly args: readonly string[];
  /** Exit code; null when killed by a signal or the process could not start. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly durationMs: number;
  /** Set when the command could not be started (ENOENT, EACCES...). */
  readonly spawnError?: string;
}

/** True when the process ran and exited 0. */
export function succeeded(result: RunResult): boolean {
  return result.code === 0 && !result.timedOut && !result.aborted && !result.spawnError;
}

/** One line describing how a process ended, for log lines and errors. */
export function describeExit(result: RunResult): string {
  const name = [result.cmd, ...result.args].join(' ');
  if (result.spawnError) return `${name}: could not start (${result.spawnError})`;
  if (result.timedOut) return `${name}: timed out after ${result.durationMs} ms`;
  if (result.aborted) return `${name}: cancelled`;
  if (result.signal) return `${name}: killed by ${result.signal}`;
  return `${name}: exited with code ${result.code}`;
}

/** Splits a byte stream into lines, holding a partial last line until more arrives or the end. */
function lineSplitter(emit: (line: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      let at = pending.indexOf('\n');
      while (at >= 0) {
        emit(pending.slice(0, at).replace(/\r$/, ''));
        pending = pending.slice(at + 1);
        at = pending.indexOf('\n');
      }
    },
    end() {
      if (pending.length > 0) emit(pending.replace(/\r$/, ''));
      pending = '';
    },
  };
}

/**
 * Runs `cmd` with `args` (no shell) and resolves when it exits; never rejects. A missing binary
 * resolves with `spawnError` set and `code` null.
 */
export function runProcess(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let spawnError: string | undefined;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;

    const out = lineSplitter((line) => options.onLine?.(line, 'stdout'));
    const err = lineSplitter((line) => options.onLine?.(line, 'stderr'));
    // A declaration, so it is hoisted: finish() may run before the child exists.
    function onAbort(): void {
      aborted = true;
      kill();
    }

    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      resolve({
        cmd,
        args: [...args],
        code,
        signal,
        stdout,
        stderr,
        timedOut,
        aborted,
        durationMs: Date.now() - started,
        ...(spawnError ? { spawnError } : {}),
      });
    };

    if (options.signal?.aborted) {
      aborted = true;
      finish(null, null);
      return;
    }

    const child = spawn(cmd, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a timeout also ends the children it started (npm -> vitest).
      detached: process.platform !== 'win32',
    });

    const kill = (): void => {
      const pid = child.pid;
      if (pid === undefined) return;
      const send = (sig: NodeJS.Signals): void => {
        try {
          if (process.platform !== 'win32') process.kill(-pid, sig);
          else child.kill(sig);
        } catch {
          // already gone
        }
      };
      send('SIGTERM');
      killTimer = setTimeout(() => send('SIGKILL'), 2000);
      killTimer.unref();
    };

    options.signal?.addEventListener('abort', onAbort, { once: true });

    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, options.timeoutMs);
    }

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      err.push(chunk);
    });
    child.stdin.on('error', () => {
      // the process may exit before reading its input
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();

    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ?? e.message;
      finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}
