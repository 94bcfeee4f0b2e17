// The orchestrator's plan for a request: which specialists work, in what order, what each must
// deliver, and how sure it is. Asked of the model as structured output and checked here, so a
// malformed plan ends the run with one line instead of steering it.
import * as z from 'zod';
import { CommandError } from '../types.js';

export const SPECIALISTS = ['bughunter', 'codesmith', 'migrator'] as const;
export type Specialist = (typeof SPECIALISTS)[number];

const planSchema = z.object({
  summary: z.string().min(1),
  confidence: z.number().min(0).max(100),
  specialists: z.array(z.object({ agent: z.enum(SPECIALISTS), deliverable: z.string().min(1) })).min(1),
  schemaChange: z.boolean().optional(),
  question: z.string().optional(),
});
export type Plan = z.infer<typeof planSchema>;

/** The JSON Schema the model answers with. */
export const PLAN_JSON_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    summary: { type: 'string', description: 'What the request needs, in one sentence' },
    confidence: { type: 'number', description: 'How sure you are of what is asked, 0-100' },
    specialists: {
      type: 'array',
      description: 'The specialists that work, in order',
      items: { type: 'object', properties: { agent: { type: 'string', enum: [...SPECIALISTS] }, deliverable: { type: 'string' } }, required: ['agent', 'deliverable'] },
    },
    schemaChange: { type: 'boolean', description: 'True when the database schema must change (the Migrator writes migration and rollback SQL)' },
    question: { type: 'string', description: 'Below 95 confidence: the one question to the admin that would settle it' },
  },
  required: ['summary', 'confidence', 'specialists'],
};

export const ROOT_CAUSE_JSON_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: { rootCause: { type: 'string' }, files: { type: 'array', items: { type: 'string' } }, evidence: { type: 'array', items: { type: 'string' } } },
  required: ['rootCause', 'files'],
};

export const EDIT_JSON_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: { summary: { type: 'string', description: 'What you changed' }, files: { type: 'array', items: { type: 'string' } } },
  required: ['summary'],
};

/** The model's plan, checked; confidence given as 0..1 is read as a fraction. */
export function parsePlan(value: unknown): Plan {
  const raw = value && typeof value === 'object' && 'confidence' in value && typeof value.confidence === 'number' && value.confidence <= 1 ? { ...value, confidence: value.confidence * 100 } : value;
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CommandError('bad_plan', `the plan is not usable: ${issue ? `${issue.path.join('.') || 'plan'}: ${issue.message}` : 'not an object'} (expected summary, confidence 0-100 and specialists)`);
  }
  return parsed.data;
}

export interface RootCause {
  readonly rootCause: string;
  readonly files: string[];
  readonly evidence: string[];
}

export function parseRootCause(value: unknown, text: string): RootCause {
  const v = (value ?? {}) as Partial<RootCause>;
  return {
    rootCause: typeof v.rootCause === 'string' && v.rootCause ? v.rootCause : text,
    files: Array.isArray(v.files) ? v.files.filter((f): f is string => typeof f === 'string') : [],
    evidence: Array.isArray(v.evidence) ? v.evidence.filter((f): f is string => typeof f === 'string') : [],
  };
}

/** `bughunter → codesmith → migrator` */
export function planLine(plan: Plan): string {
  return plan.specialists.map((s) => s.agent).join(' → ');
}
