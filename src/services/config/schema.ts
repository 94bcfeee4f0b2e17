// The one schema of `agentdeck.config.json`, and how its mistakes are told: one line each,
// `agentdeck.config.json: agents.concurrency.bughunter: expected a whole number from 1 to 16, got "x"`.
import * as z from 'zod';
import {
  AGENT_KINDS,
  APPROVAL_POLICY_KEYS,
  DEFAULT_APPROVAL_POLICY,
  type AgentKind,
  type ApprovalPolicyKey,
} from '../../commands/types.js';
import { clipRedacted, defaultRedactor } from '../secrets/redact.js';
import { splitCommand } from './argv.js';

export const CONFIG_FILE = 'agentdeck.config.json';

/** A command as argv: run with execFile/spawn, never a shell. */
export type Argv = readonly string[];

const argvArray = z
  .array(z.string({ error: 'expected each word to be a string' }), {
    error: 'expected a command: a string like "npm test" or an argv array like ["npm", "test"]',
  })
  .min(1, { error: 'expected a non-empty argv array' });

/** A string (split without a shell) or an argv array, normalised to argv. */
const command = z
  .union([z.string(), argvArray], {
    error: 'expected a command: a string like "npm test" or an argv array like ["npm", "test"]',
  })
  .transform((value, ctx): string[] => {
    if (Array.isArray(value)) return value;
    const split = splitCommand(value);
    if (split.ok) return split.argv;
    ctx.addIssue({ code: 'custom', message: split.error, input: value });
    return z.NEVER;
  });

/** One command or a list of them, normalised to a list of argv. */
const commandList = z
  .union([z.string(), z.array(z.union([z.string(), z.array(z.string())]))], {
    error: 'expected a command or a list of commands (strings or argv arrays)',
  })
  .transform((v) => (typeof v === 'string' ? [v] : v))
  .pipe(z.array(command));

const concurrency = z
  .number({ error: 'expected a whole number from 1 to 16' })
  .int({ error: 'expected a whole number from 1 to 16' })
  .min(1, { error: 'expected a whole number from 1 to 16' })
  .max(16, { error: 'expected a whole number from 1 to 16' });

const email = z.email({ error: 'expected an email address like ops@example.com' });

const agentConcurrency = z.strictObject(
  Object.fromEntries(AGENT_KINDS.map((k) => [k, concurrency.optional()])) as Record<
    AgentKind,
    z.ZodOptional<typeof concurrency>
  >,
);

const approvalPolicy = z.strictObject(
  Object.fromEntries(
    APPROVAL_POLICY_KEYS.map((k) => [k, z.boolean({ error: 'expected true or false' }).optional()]),
  ) as Record<ApprovalPolicyKey, z.ZodOptional<z.ZodBoolean>>,
);

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string({ error: 'expected the project name as a string' }).min(1, { error: 'expected a non-empty name' }).optional(),
  test: command.optional(),
  build: command.optional(),
  deploy: z
    .strictObject({ staging: commandList.optional(), production: commandList.optional() })
    .optional(),
  approvals: z
    .strictObject({
      policy: approvalPolicy.optional(),
      ttlMinutes: z
        .number({ error: 'expected a whole number of minutes from 1 to 10080 (a week)' })
        .int({ error: 'expected a whole number of minutes from 1 to 10080 (a week)' })
        .min(1, { error: 'expected a whole number of minutes from 1 to 10080 (a week)' })
        .max(10080, { error: 'expected a whole number of minutes from 1 to 10080 (a week)' })
        .optional(),
    })
    .optional(),
  agents: z
    .strictObject({
      concurrency: agentConcurrency.optional(),
      // How often a failed check goes back to the specialist before the run ends needs_manual.
      repairRounds: z
        .number({ error: 'expected a whole number of repair rounds from 0 to 10' })
        .int({ error: 'expected a whole number of repair rounds from 0 to 10' })
        .min(0, { error: 'expected a whole number of repair rounds from 0 to 10' })
        .max(10, { error: 'expected a whole number of repair rounds from 0 to 10' })
        .optional(),
    })
    .optional(),
  // Commands that switch the app's maintenance mode (`emergency maintenance on|off`).
  maintenance: z.strictObject({ on: commandList.optional(), off: commandList.optional() }).optional(),
  email: z
    .strictObject({
      to: z.union([email, z.array(email)], { error: 'expected an email address or a list of them' }).optional(),
      from: email.optional(),
      subjectPrefix: z.string({ error: 'expected a string' }).optional(),
    })
    .optional(),
  // Where staged worktrees go: an absolute path, "~/..." or a path relative to the project root.
  // By default under the user's data directory, outside the project, so its tools never see them.
  staged: z.string({ error: 'expected a directory path as a string' }).min(1, { error: 'expected a non-empty directory path' }).optional(),
});

export type RawConfig = z.input<typeof configSchema>;

/** The project settings with every default filled in. */
export interface ProjectConfig {
  readonly name: string;
  readonly test: Argv | null;
  readonly build: Argv | null;
  /** The `staged` setting as written (absent: the default location outside the project). */
  readonly staged?: string;
  readonly deploy: { readonly staging: readonly Argv[]; readonly production: readonly Argv[] };
  readonly approvals: { readonly policy: Readonly<Record<ApprovalPolicyKey, boolean>>; readonly ttlMinutes: number };
  readonly agents: { readonly concurrency: Readonly<Record<AgentKind, number>>; readonly repairRounds: number };
  readonly email: { readonly to: readonly string[]; readonly from: string | null; readonly subjectPrefix: string };
  /** Commands run by `emergency maintenance on|off` (empty: only the flag in the state db changes). */
  readonly maintenance?: { readonly on: readonly Argv[]; readonly off: readonly Argv[] };
}

/**
 * Instances per agent kind in one process. The orchestrator's is high because its own run-mode
 * commands (approve, cancel, resume, emergency stop) must not queue behind its long runs.
 */
export const DEFAULT_CONCURRENCY: Readonly<Record<AgentKind, number>> = {
  orchestrator: 8,
  bughunter: 2,
  codesmith: 2,
  migrator: 1,
  stage: 1,
  ops: 1,
};
export const DEFAULT_APPROVAL_TTL_MINUTES = 1440;
export const DEFAULT_REPAIR_ROUNDS = 3;

export type ConfigParse = { ok: true; config: ProjectConfig } | { ok: false; errors: string[] };

/** Validates parsed JSON; `fallbackName` names the project when the file does not. */
export function parseConfig(input: unknown, fallbackName: string, file = CONFIG_FILE): ConfigParse {
  const result = configSchema.safeParse(input, { reportInput: true });
  if (!result.success) return { ok: false, errors: result.error.issues.flatMap((i) => describeIssue(i, file)) };
  const c = result.data;
  const to = c.email?.to;
  return {
    ok: true,
    config: {
      name: c.name ?? fallbackName,
      test: c.test ?? null,
      build: c.build ?? null,
      ...(c.staged ? { staged: c.staged } : {}),
      deploy: { staging: c.deploy?.staging ?? [], production: c.deploy?.production ?? [] },
      approvals: {
        policy: { ...DEFAULT_APPROVAL_POLICY, ...definedOnly(c.approvals?.policy) },
        ttlMinutes: c.approvals?.ttlMinutes ?? DEFAULT_APPROVAL_TTL_MINUTES,
      },
      agents: { concurrency: { ...DEFAULT_CONCURRENCY, ...definedOnly(c.agents?.concurrency) }, repairRounds: c.agents?.repairRounds ?? DEFAULT_REPAIR_ROUNDS },
      maintenance: { on: c.maintenance?.on ?? [], off: c.maintenance?.off ?? [] },
      email: {
        to: to === undefined ? [] : Array.isArray(to) ? to : [to],
        from: c.email?.from ?? null,
        subjectPrefix: c.email?.subjectPrefix ?? '[agentdeck]',
      },
    },
  };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Where each object level's accepted keys are listed for "unknown key" lines. */
const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(configSchema.shape),
  deploy: ['staging', 'production'],
  approvals: ['policy', 'ttlMinutes'],
  'approvals.policy': APPROVAL_POLICY_KEYS,
  agents: ['concurrency'],
  'agents.concurrency': AGENT_KINDS,
  email: ['to', 'from', 'subjectPrefix'],
  maintenance: ['on', 'off'],
};

function describeIssue(issue: z.core.$ZodIssue, file: string): string[] {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const accepted = KNOWN_KEYS[where] ?? [];
    return issue.keys.map(
      (key) =>
        `${file}: ${where ? `${where}.` : ''}${key}: unknown setting${accepted.length ? ` (accepted: ${accepted.join(', ')})` : ''}`,
    );
  }
  if (issue.code === 'invalid_union') {
    // A union (string or argv array...) whose one branch got further than a type mismatch at its
    // root tells the real mistake: `test[1]: expected each word to be a string`.
    const branch = issue.errors.find((errs) => errs.length > 0 && !errs.some((e) => e.path.length === 0 && e.code === 'invalid_type'));
    if (branch) return branch.flatMap((e) => describeIssue({ ...e, path: [...issue.path, ...e.path] }, file));
  }
  const got = 'input' in issue ? `, got ${describeValue(issue.input)}` : '';
  return [`${file}: ${where || '(top level)'}: ${issue.message}${got}`];
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  return clipRedacted(JSON.stringify(v), 60, defaultRedactor, '...');
}
