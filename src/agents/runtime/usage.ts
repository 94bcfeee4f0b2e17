// What a model call used, recorded on its run: the session to resume and the cost the SDK
// reported, added to the run's total. Every caller of the runtime records through here, so the
// `costs` command and the run's detail add up the same numbers.
import type { StateDb } from '../../services/state/db.js';
import { getRun, updateRun } from '../orchestrator/runs-repo.js';
import type { ModelResult } from './types.js';

export function recordModelUse(state: StateDb, runId: string | null | undefined, result: Pick<ModelResult, 'sessionId' | 'costUsd'>): void {
  if (!runId || (!result.sessionId && result.costUsd === null)) return;
  const run = getRun(state, runId);
  updateRun(state, runId, {
    sessionId: result.sessionId ?? run?.sessionId ?? null,
    costUsd: result.costUsd === null ? (run?.costUsd ?? null) : (run?.costUsd ?? 0) + result.costUsd,
  });
}
