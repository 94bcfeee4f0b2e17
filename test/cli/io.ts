// Runs the CLI's main() in this process with captured output, as a user would from `cwd`.
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli.js';

export function sink(isTTY = false): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY?: boolean };
  if (isTTY) stream.isTTY = true;
  return { stream, text: () => text };
}

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function cli(
  args: string[],
  cwd: string,
  options: { env?: NodeJS.ProcessEnv; tty?: boolean; stdin?: string[] } = {},
): Promise<CliRun> {
  const out = sink(options.tty);
  const err = sink();
  const stdin = Readable.from(options.stdin ?? []) as Readable & { isTTY?: boolean };
  const code = await main(args, { cwd, stdout: out.stream, stderr: err.stream, env: options.env ?? {}, stdin });
  return { code, out: out.text(), err: err.text() };
}
