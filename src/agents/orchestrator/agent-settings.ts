// `agents update config`: reload agentdeck.config.json, or change agent settings in it
// (concurrency.<agent>=n, approvals.ttlminutes=n, approvals.policy.<key>=true|false) and reload.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AGENT_KINDS, APPROVAL_POLICY_KEYS } from '../../commands/types.js';
import { ConfigError, loadProject } from '../../services/config/project.js';
import { CONFIG_FILE, parseConfig, type ProjectConfig } from '../../services/config/schema.js';
import { configChanges } from '../../services/config/diff.js';
import type { GuardChange } from '../../services/config/guards.js';
import type { EngineInternals } from './internals.js';

export interface SettingsOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

const ACCEPTED = `concurrency.<agent>=<1-16> (agents: ${AGENT_KINDS.join(', ')}), approvals.ttlminutes=<minutes>, approvals.policy.<key>=true|false (keys: ${APPROVAL_POLICY_KEYS.join(', ')})`;

type Raw = Record<string, unknown> & { agents?: { concurrency?: Record<string, unknown> }; approvals?: { ttlMinutes?: unknown; policy?: Record<string, unknown> } };

function readRaw(path: string): Raw {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Raw;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError([`${CONFIG_FILE}: cannot be read or is not valid JSON`]);
  }
}

function setting(raw: Raw, key: string, value: string): string | null {
  const [group, name, sub] = key.split('.');
  const number = Number(value);
  if (group === 'concurrency' && name && !sub) {
    const kind = AGENT_KINDS.find((k) => k === name);
    if (!kind) return `${key}: unknown agent (accepted: ${AGENT_KINDS.join(', ')})`;
    raw.agents = { ...raw.agents, concurrency: { ...raw.agents?.concurrency, [kind]: Number.isFinite(number) ? number : value } };
    return null;
  }
  if (group === 'approvals' && name === 'ttlminutes' && !sub) {
    raw.approvals = { ...raw.approvals, ttlMinutes: Number.isFinite(number) ? number : value };
    return null;
  }
  if (group === 'approvals' && name === 'policy' && sub) {
    const policyKey = APPROVAL_POLICY_KEYS.find((k) => k.toLowerCase() === sub);
    if (!policyKey) return `${key}: unknown policy (accepted: ${APPROVAL_POLICY_KEYS.join(', ')})`;
    if (value !== 'true' && value !== 'false') return `${key}: expected true or false, got "${value}"`;
    raw.approvals = { ...raw.approvals, policy: { ...raw.approvals?.policy, [policyKey]: value === 'true' } };
    return null;
  }
  return `${key}: not an agent setting (accepted: ${ACCEPTED})`;
}

/** What `agents update config` would write: the file's new JSON (null: reload as it is) and its settings. */
export type SettingsPlan =
  | {
      readonly ok: true;
      readonly raw: Raw | null;
      readonly config: ProjectConfig;
      readonly fileText: string;
      /** The keys the settings change in the file, with their values before and after. */
      readonly changes: readonly GuardChange[];
    }
  | { readonly ok: false; readonly message: string };

/** Reads the config file and applies `settings` to it in memory; nothing is written. */
export function planAgentSettings(engine: EngineInternals, settings: Readonly<Record<string, string>> | undefined): SettingsPlan {
  try {
    const path = join(engine.root, CONFIG_FILE);
    const fileText = readText(path);
    if (settings && Object.keys(settings).length > 0) {
      const raw = readRaw(path);
      const before = structuredClone(raw);
      for (const [key, value] of Object.entries(settings)) {
        const problem = setting(raw, key, value);
        if (problem) return { ok: false, message: problem };
      }
      const parsed = parseConfig(raw, basename(engine.root));
      if (!parsed.ok) return { ok: false, message: parsed.errors[0] ?? `${CONFIG_FILE}: invalid` };
      return { ok: true, raw, config: parsed.config, fileText, changes: configChanges(before, raw) };
    }
    return { ok: true, raw: null, config: loadProject(engine.root).config, fileText, changes: [] };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.lines[0] ?? error.message };
    throw error;
  }
}

/** Writes a plan's JSON (if any) and reloads the config into the engine. */
export function applySettingsPlan(engine: EngineInternals, plan: Extract<SettingsPlan, { ok: true }>, changed: readonly string[]): SettingsOutcome {
  try {
    if (plan.raw) writeFileSync(join(engine.root, CONFIG_FILE), `${JSON.stringify(plan.raw, null, 2)}\n`);
    const { config } = loadProject(engine.root);
    engine.reloadConfig(config);
    const limits = AGENT_KINDS.map((k) => `${k} ${engine.pool.limit(k)}`).join(', ');
    const what = changed.length > 0 ? `Updated ${changed.join(', ')}` : `Reloaded ${CONFIG_FILE}`;
    return { ok: true, message: `${what}: concurrency ${limits}; approvals expire after ${engine.ttlMinutes} min`, data: { concurrency: config.agents.concurrency, approvals: { policy: engine.policy, ttlMinutes: engine.ttlMinutes } } };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.lines[0] ?? error.message };
    throw error;
  }
}

export function applyAgentSettings(engine: EngineInternals, settings: Readonly<Record<string, string>> | undefined): SettingsOutcome {
  const plan = planAgentSettings(engine, settings);
  return plan.ok ? applySettingsPlan(engine, plan, Object.keys(settings ?? {})) : plan;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
