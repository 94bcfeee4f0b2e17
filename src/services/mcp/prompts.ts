// MCP prompts for the main flows, so a Claude Code user types `/agentdeck:fix-ticket BUG-2026-001`
// (or picks it from the prompt list) instead of writing instructions: each prompt tells the calling
// session which tools to call, how to do a handed-off step and that approvals belong to a person.
import type { GetPromptResult, Prompt } from '@modelcontextprotocol/sdk/types.js';

interface FlowPrompt {
  readonly prompt: Prompt;
  readonly text: (args: Record<string, string>) => string;
}

const HANDOFF = [
  'When a result carries data.handoff, agentdeck has no model of its own and hands you that step:',
  'follow its instructions, work only in its worktree with the tools it names, then call complete_step',
  'with the run id and your answer as JSON (matching its answerSchema). Repeat until the run ends.',
  'A result waiting for an approval is for a person: tell the user the approval id and the command',
  'shown; never try to approve it yourself. Report the final result line to the user.',
].join(' ');

const FLOWS: readonly FlowPrompt[] = [
  {
    prompt: {
      name: 'fix-ticket',
      title: 'Fix a ticket with the agent team',
      description: 'Plan, find the root cause, fix in a staged worktree and verify with the app\'s own checks',
      arguments: [{ name: 'ticket', description: 'The ticket id or your own reference (AI-EST-142)', required: true }],
    },
    text: (a) =>
      `Fix ticket ${a.ticket ?? ''} with agentdeck. If the ticket does not exist yet, call create_ticket with a description and the reference first. Then call fix_ticket with id ${a.ticket ?? ''}. ${HANDOFF}`,
  },
  {
    prompt: {
      name: 'generate-feature',
      title: 'Generate a feature in a staged worktree',
      description: 'File a feature ticket and have CodeSmith build it, checked by the compiler, the linter and the app\'s tests',
      arguments: [{ name: 'description', description: 'What to build', required: true }],
    },
    text: (a) =>
      `Build this feature with agentdeck: ${a.description ?? ''}. Call create_ticket with that description and kind feature, then fix_ticket with the new ticket id. ${HANDOFF}`,
  },
  {
    prompt: {
      name: 'write-migration',
      title: 'Write a migration with its rollback',
      description: 'Have the Migrator write migration and rollback SQL and dry-run them on a Supabase-shaped database',
      arguments: [{ name: 'description', description: 'The schema change', required: true }],
    },
    text: (a) =>
      `Write a database migration with agentdeck: ${a.description ?? ''}. Call migrate with that description; then call migrate_execute with dryRun true and report the dry run, the safety findings and whether the rollback restores the schema. ${HANDOFF}`,
  },
];

export function listPrompts(): Prompt[] {
  return FLOWS.map((f) => f.prompt);
}

/** The prompt's message, or null when there is no prompt by that name. */
export function getPrompt(name: string, args: Record<string, string> = {}): GetPromptResult | null {
  const flow = FLOWS.find((f) => f.prompt.name === name);
  if (!flow) return null;
  const missing = (flow.prompt.arguments ?? []).filter((a) => a.required && !args[a.name]?.trim()).map((a) => a.name);
  if (missing.length > 0) return { description: `missing ${missing.join(', ')}`, messages: [{ role: 'user', content: { type: 'text', text: `Ask me for the ${missing.join(' and ')} first, then: ${flow.text(args)}` } }] };
  return { description: flow.prompt.description, messages: [{ role: 'user', content: { type: 'text', text: flow.text(args) } }] };
}
