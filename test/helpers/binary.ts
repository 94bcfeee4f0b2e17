// The built `agentdeck` executable as a real subprocess, with a clean environment (no
// credentials of the machine running the tests).
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const BIN = join(REPO, 'bin', 'agentdeck.js');

export interface Ran {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** Builds dist/ when a source is newer than it. */
export function buildIfStale(): void {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs'), '--if-stale'], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

/**
 * What the test setup points at temp dirs (the user's config and data dirs, the local Postgres
 * home): a child gets them too, so nothing lands in its HOME (the project itself in these tests).
 */
export function sharedEnv(): Record<string, string> {
  const names = ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'AGENTDECK_PG_HOME', 'AGENTDECK_PG_IDLE_MS'];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n]]] : [])));
}

export function runBinary(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...sharedEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

const shellQuote = (word: string): string => `'${word.replace(/'/g, "'\\''")}'`;

/**
 * The executable run at a pseudo-terminal (util-linux `script`), as a person typing at a terminal
 * runs it: only then may `run` decide an approval. Output is the terminal's (stdout and stderr
 * together, in `out`).
 */
export function runBinaryTty(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, SHELL: '/bin/sh', ...sharedEnv(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out: out.replace(/\r\n/g, '\n'), err }));
  });
}
