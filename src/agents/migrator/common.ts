// Helpers the Migrator's command handlers share.
import { createHash } from 'node:crypto';
import { openTarget } from '../../services/postgres/index.js';
import { DbLockedError, type Db } from '../../services/postgres/types.js';
import { StepFailed } from '../orchestrator/errors.js';
import { fail, type CommandContext, type CommandResult } from '../types.js';
import { NoSuchTable } from './maintenance.js';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function ms(n: number): string {
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`;
}

/** The error a durable step wrapped (the engine reports step failures with the original as `cause`). */
export function unwrap(err: unknown): unknown {
  let e = err;
  while (e instanceof StepFailed && e.cause !== undefined) e = e.cause;
  return e;
}

/** Opens the project's database for `fn` and closes it after; connection trouble becomes one line. */
export async function withTarget(ctx: CommandContext, fn: (db: Db) => Promise<CommandResult>): Promise<CommandResult> {
  const db = openTarget({ root: ctx.root });
  try {
    return await fn(db);
  } catch (caught) {
    const err = unwrap(caught);
    if (err instanceof DbLockedError) return fail('db_locked', err.message);
    if (err instanceof NoSuchTable) return fail('no_such_table', err.message);
    if (err instanceof Error && /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|password authentication|getaddrinfo/.test(err.message)) {
      return fail('db_unreachable', `cannot reach the database ${db.target}: ${err.message}`);
    }
    throw caught;
  } finally {
    await db.close();
  }
}
