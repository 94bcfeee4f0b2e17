// An approval is bound to one exact action: the sha256 of the canonical JSON of
// {tool, args, target, diffHash, bind} (bind: fingerprints of the content the action works on). Canonical = object keys sorted at every depth, so the same
// action always hashes the same no matter how its arguments were built.
import { createHash } from 'node:crypto';
import type { ApprovalAction } from '../types.js';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function actionHash(action: Pick<ApprovalAction, 'tool' | 'args' | 'target' | 'diffHash' | 'bind'>): string {
  const bound = { tool: action.tool, args: action.args, target: action.target, diffHash: action.diffHash ?? null, bind: action.bind };
  return createHash('sha256').update(canonicalJson(bound)).digest('hex');
}
