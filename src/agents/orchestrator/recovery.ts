// Partial-failure recovery (the plan's edge case 3): undo the completed steps that registered a
// compensation, newest first; whatever could not be undone goes into a plan for a human.
import type { Phase } from '../types.js';
import type { RecoveryPlan } from './runs-repo.js';
import { messageOf } from './errors.js';

export interface Completed {
  readonly key: string;
  readonly name: string;
  readonly phase: Phase;
  readonly output: unknown;
  readonly compensate?: (output: unknown) => Promise<void>;
  readonly nothingToUndo?: boolean;
}

export interface CompensationHooks {
  onStart(step: Completed): void;
  onDone(step: Completed): void;
  onFail(step: Completed, error: unknown): void;
}

/** Side effects happen from EXECUTE on; earlier phases only read and plan. */
const SIDE_EFFECT_PHASES: readonly Phase[] = ['EXECUTE', 'VERIFY'];

export async function compensate(completed: readonly Completed[], hooks: CompensationHooks): Promise<{ rolledBack: string[]; failures: string[] }> {
  const rolledBack: string[] = [];
  const failures: string[] = [];
  for (const step of [...completed].reverse()) {
    if (!step.compensate) continue;
    hooks.onStart(step);
    try {
      await step.compensate(step.output);
      rolledBack.push(step.name);
      hooks.onDone(step);
    } catch (error) {
      failures.push(`${step.name}: ${messageOf(error)}`);
      hooks.onFail(step, error);
    }
  }
  return { rolledBack, failures };
}

export function recoveryPlan(
  runId: string,
  failedStep: string,
  error: string,
  completed: readonly Completed[],
  outcome: { rolledBack: readonly string[]; failures: readonly string[] },
): RecoveryPlan {
  const leftInPlace = completed.filter((s) => !s.compensate && !s.nothingToUndo && SIDE_EFFECT_PHASES.includes(s.phase)).map((s) => s.name);
  const actions: string[] = [];
  if (outcome.failures.length > 0) actions.push(`Undo by hand what failed to roll back: ${outcome.failures.join('; ')}`);
  if (leftInPlace.length > 0) actions.push(`Check the completed changes that have no automatic undo: ${leftInPlace.join(', ')}`);
  actions.push(`Fix the cause (${error}), then run \`resume ${runId}\` to retry from "${failedStep}"`);
  actions.push(`Or run \`cancel ${runId}\` to abandon it`);
  return { failedStep, error, rolledBack: outcome.rolledBack, compensationFailures: outcome.failures, leftInPlace, actions };
}

/** A plan a human must act on: something could not be undone. */
export function needsManual(plan: RecoveryPlan): boolean {
  return plan.compensationFailures.length > 0 || plan.leftInPlace.length > 0;
}
