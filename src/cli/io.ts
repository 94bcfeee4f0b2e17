// Where the CLI writes, and whether it may colour: NO_COLOR (any value) or a non-TTY means none.

export interface Io {
  out(line: string): void;
  err(line: string): void;
  readonly color: boolean;
  readonly isTTY: boolean;
}

export interface IoOptions {
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env?: NodeJS.ProcessEnv;
}

export function colorAllowed(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export function createIo(options: IoOptions = {}): Io {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  return {
    out: (line) => void stdout.write(`${line}\n`),
    err: (line) => void stderr.write(`${line}\n`),
    color: colorAllowed(stdout, options.env),
    isTTY: stdout.isTTY === true,
  };
}

const CODES = { red: 31, green: 32, yellow: 33, gray: 90, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(io: Pick<Io, 'color'>, colour: Colour, text: string): string {
  return io.color ? `\u001b[${CODES[colour]}m${text}\u001b[${colour === 'bold' ? 22 : 39}m` : text;
}
