// A config change as a small before/after diff of the keys it changes, for the approval that
// guards it and for its result: `- approvals.policy.databaseDestructive: true` then `+ ...: false`.
import type { GuardChange } from './guards.js';
import { CONFIG_FILE } from './schema.js';

const UNSET = '(unset)';

/** Dotted keys to shown values; arrays (argv lists) and scalars are leaves. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/** The keys whose values differ between two versions of the config (a key missing on one side is unset). */
export function configChanges(before: unknown, after: unknown): GuardChange[] {
  const a = flatten(before, '', new Map());
  const b = flatten(after, '', new Map());
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((key) => ({ key, from: a.get(key) ?? UNSET, to: b.get(key) ?? UNSET }));
}

/** Both lists in one, a key once: `first` wins (the values in force, against the file's). */
export function mergeChanges(first: readonly GuardChange[], second: readonly GuardChange[]): GuardChange[] {
  const seen = new Set(first.map((c) => c.key));
  return [...first, ...second.filter((c) => !seen.has(c.key))].sort((x, y) => x.key.localeCompare(y.key));
}

/** The diff as lines; empty when nothing changes. */
export function describeConfigDiff(changes: readonly GuardChange[], file: string = CONFIG_FILE): string[] {
  if (changes.length === 0) return [];
  return [
    `${file}:`,
    ...changes.flatMap((c) => [...(c.from === UNSET ? [] : [`  - ${c.key}: ${c.from}`]), ...(c.to === UNSET ? [] : [`  + ${c.key}: ${c.to}`])]),
  ];
}
