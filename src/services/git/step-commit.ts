// Commits a durable step made carry the step's id as a trailer, so a step killed after its commit
// but before it was recorded finds the commit on resume instead of committing (or merging,
// reverting) a second time.
import { gitRaw } from './git.js';
import { succeeded } from '../exec/run.js';

export const STEP_TRAILER = 'Agentdeck-Step';

/** `message` with the step's trailer appended (after a blank line, as git trailers go). */
export function withStepTrailer(message: string, stepId: string): string {
  return `${message.replace(/\s+$/, '')}\n\n${STEP_TRAILER}: ${stepId}`;
}

/** The newest commit reachable from `ref` whose message carries the step's trailer, or null. */
export async function stepCommit(cwd: string, ref: string, stepId: string): Promise<string | null> {
  const trailer = `${STEP_TRAILER}: ${stepId}`;
  const result = await gitRaw(cwd, ['log', '-n', '20', '--format=%H%x1f%B%x1e', '--fixed-strings', `--grep=${trailer}`, ref, '--']);
  if (!succeeded(result)) return null;
  // --grep matches anywhere in the message: keep a whole trailer line (RUN-1/x is not RUN-1/x#2).
  for (const entry of result.stdout.split('\x1e')) {
    const [sha, body] = entry.split('\x1f');
    if (sha && body?.split('\n').some((l) => l.trim() === trailer)) return sha.trim();
  }
  return null;
}
