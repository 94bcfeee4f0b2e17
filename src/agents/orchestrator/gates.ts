// The quality gates of the six phases (the plan's section 6.3). A gate reads the recorded outputs
// of the steps of the phase being left; a handler reports what a gate needs by returning these
// fields from its steps. A gate that fails stops the run with its reason in one line.
import type { Phase } from '../types.js';
import { PHASES } from '../types.js';

/** Fields a step's output may carry for the gates. All optional: a gate passes when none is reported. */
export interface GateReport {
  /** UNDERSTAND: how sure the agent is of what is asked, 0..1 or 0..100. */
  readonly confidence?: number;
  /** ANALYZE: dependency cycles that would break; any entry fails the gate. */
  readonly criticalCycles?: readonly string[];
  /** PLAN: every scenario needs a mitigation. */
  readonly scenarios?: readonly { readonly name: string; readonly mitigation?: string | null }[];
  /** VALIDATE: the validation verdict and test coverage (percent). */
  readonly passed?: boolean;
  readonly coverage?: number;
  /** Any phase before EXECUTE: preconditions by name; all must be true before EXECUTE. */
  readonly preconditions?: Readonly<Record<string, boolean>>;
  /** EXECUTE / VERIFY: errors seen after execution; any fails the gate. */
  readonly errors?: number | readonly string[];
}

export const MIN_CONFIDENCE = 95;
export const MIN_COVERAGE = 80;

export function phaseIndex(phase: Phase): number {
  return PHASES.indexOf(phase);
}

function asReport(output: unknown): GateReport | null {
  return output !== null && typeof output === 'object' && !Array.isArray(output) ? (output as GateReport) : null;
}

function percent(value: number): number {
  return value <= 1 ? value * 100 : value;
}

function errorCount(errors: GateReport['errors']): number {
  if (errors === undefined) return 0;
  return typeof errors === 'number' ? errors : errors.length;
}

/** Checks the gate that closes `phase`; returns the reason it fails, or null when it passes. */
export function checkGate(phase: Phase, outputs: readonly unknown[]): string | null {
  const reports = outputs.map(asReport).filter((r): r is GateReport => r !== null);
  for (const r of reports) {
    switch (phase) {
      case 'UNDERSTAND':
        if (typeof r.confidence === 'number' && percent(r.confidence) < MIN_CONFIDENCE)
          return `understanding confidence ${Math.round(percent(r.confidence))}% is below ${MIN_CONFIDENCE}%`;
        break;
      case 'ANALYZE':
        if (r.criticalCycles && r.criticalCycles.length > 0)
          return `critical circular dependency: ${r.criticalCycles.join(', ')}`;
        break;
      case 'PLAN': {
        const open = (r.scenarios ?? []).filter((s) => !s.mitigation);
        if (open.length > 0) return `scenario without mitigation: ${open.map((s) => s.name).join(', ')}`;
        break;
      }
      case 'VALIDATE':
        if (r.passed === false) return 'validation did not pass';
        if (typeof r.coverage === 'number' && r.coverage < MIN_COVERAGE)
          return `test coverage ${r.coverage}% is below ${MIN_COVERAGE}%`;
        break;
      case 'EXECUTE':
      case 'VERIFY':
        if (errorCount(r.errors) > 0) {
          const list = Array.isArray(r.errors) ? `: ${(r.errors as string[]).join('; ')}` : '';
          return `${errorCount(r.errors)} post-execution error(s)${list}`;
        }
        break;
    }
  }
  return null;
}

/** Checks the preconditions reported before EXECUTE; returns the reason or null. */
export function checkPreconditions(outputs: readonly unknown[]): string | null {
  const unmet: string[] = [];
  for (const r of outputs.map(asReport)) {
    for (const [name, met] of Object.entries(r?.preconditions ?? {})) if (!met) unmet.push(name);
  }
  return unmet.length > 0 ? `precondition not met: ${unmet.join(', ')}` : null;
}

/** Gate failure: ends the run as failed with the gate's reason. */
export class GateFailed extends Error {
  constructor(
    readonly phase: Phase,
    readonly reason: string,
  ) {
    super(`${phase} gate failed: ${reason}`);
    this.name = 'GateFailed';
  }
}
