// Renders with the real Ink renderer into fake streams like ink-testing-library's, but with a
// stdout of a chosen size (columns, rows, isTTY) that can be resized.
import { EventEmitter } from 'node:events';
import { render, type Instance } from 'ink';
import type { ReactElement } from 'react';
import { stripAnsi } from '../../src/ui/format/text.js';

export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  frames: string[] = [];
  private last = '';
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string, ...rest: unknown[]): boolean => {
    this.frames.push(frame);
    this.last = frame;
    // Ink waits for the write callback before it reports the unmount as done.
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  lastFrame = (): string => this.last;
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/**
 * A terminal's stdin as Ink reads it: what is written waits until read (as typed-ahead keys wait
 * in a real terminal), and 'readable' fires when data arrives or a reader starts listening.
 */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  rawMode = false;
  private queued: string[] = [];
  constructor() {
    super();
    this.on('newListener', (event) => {
      if (event === 'readable' && this.queued.length > 0) setImmediate(() => this.emit('readable'));
    });
  }
  write = (data: string): void => {
    this.queued.push(data);
    this.emit('readable');
    this.emit('data', data);
  };
  setEncoding(): void {}
  setRawMode(on: boolean): void {
    this.rawMode = on;
  }
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read = (): string | null => this.queued.shift() ?? null;
}

export interface Rendered {
  readonly stdout: FakeStdout;
  readonly stdin: FakeStdin;
  readonly instance: Instance;
  lastFrame(): string;
  /** Writes one key and waits for the frame. */
  press(key: string): Promise<void>;
  /** Types text one character per write. */
  type(text: string): Promise<void>;
  unmount(): void;
}

export const KEYS = {
  enter: '\r',
  esc: '\u001B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  ctrlC: '\u0003',
  backspace: '\u007F',
} as const;

export const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function renderAt(tree: ReactElement, columns = 120, rows = 40): Rendered {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(columns, rows);
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const press = async (key: string): Promise<void> => {
    stdin.write(key);
    // A lone Esc is held by Ink for 20 ms in case an escape sequence follows.
    await tick(key === '\u001B' ? 40 : 5);
  };
  return {
    stdout,
    stdin,
    instance,
    lastFrame: () => stdout.lastFrame(),
    press,
    type: async (text) => {
      for (const ch of text) await press(ch);
    },
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}

/** Waits until `check` passes (frames are not synchronous), or throws its last error. */
export async function waitFor(check: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await tick(10);
    }
  }
}

/** The frame without colours. */
export function plain(frame: string): string {
  return stripAnsi(frame);
}
