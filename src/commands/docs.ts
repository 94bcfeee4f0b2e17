// docs/COMMANDS.md, rendered from the registry (`npm run docs` writes it; a test keeps it fresh).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from './define.js';
import { AGENT_NAMES } from './types.js';
import { COMMANDS } from './registry.js';
import { approvalText } from './help.js';
import { argUsage, flagUsage, usageLine } from './usage.js';

/** Where the generated reference lives, relative to the repository root. */
export const COMMANDS_DOC = join('docs', 'COMMANDS.md');

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

function anchor(id: string): string {
  return id.replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

function section(c: Command): string[] {
  const lines = [`### ${c.id}`, '', `${c.summary}. ${c.help}`, '', '```', usageLine(c), '```', ''];
  if (c.args.length > 0) {
    lines.push('| argument | accepts | description |', '|---|---|---|');
    for (const a of c.args) lines.push(`| \`${cell(argUsage(a))}\` | ${cell(a.accepts)} | ${cell(a.description)} |`);
    lines.push('');
  }
  if (c.flags.length > 0) {
    lines.push('| flag | accepts | description |', '|---|---|---|');
    for (const f of c.flags) {
      lines.push(`| \`${cell(flagUsage(f))}\` | ${cell(f.accepts)}${f.required ? ' (required)' : ''} | ${cell(f.description)} |`);
    }
    lines.push('');
  }
  lines.push('Examples:', '', '```', ...c.examples.map((e) => `@agent ${e}`), '```', '');
  lines.push(
    `Agent: ${AGENT_NAMES[c.agent]}. Approval: ${approvalText(c)}. Mode: ${c.mode === 'query' ? 'query (answers at once, opens no run)' : 'run (opens a durable run)'}.${c.destructive ? ' **Destructive**: destroys or overwrites data.' : ''}`,
    '',
  );
  return lines;
}

/** The whole reference as Markdown. Deterministic: the same registry renders the same bytes. */
export function renderCommandsMarkdown(): string {
  const lines = [
    '# agentdeck commands',
    '',
    '<!-- Generated from the command registry (src/commands/) by `npm run docs`. Do not edit by hand. -->',
    '',
    `${COMMANDS.length} commands. Type them in the console's prompt line (the \`@agent \` prefix is optional), run one headless with \`agentdeck run "<command>"\`, or call them as MCP tools through \`agentdeck mcp\`.`,
    '',
    '## Grammar',
    '',
    '- Command words come first and are matched longest first: `migrate status` is a command, `migrate "status page table"` is a migration description.',
    '- Quote text with `"..."` or `\'...\'` (escape a quote inside with a backslash). An apostrophe inside a word (`can\'t`) needs no escaping.',
    '- Flags follow the command: `--name value`, `--name=value`, booleans as `--dry-run`, lists as `--methods GET,POST`; `--` ends the flags; `--help` shows the command\'s help.',
    '- A line that is not a command but reads as a request ("I need to fix the AI estimate persistence issue") goes to the orchestrator as natural language; a mistyped command gets one line with the closest command.',
    '- Approvals follow the project\'s policy (`approvals` in `agentdeck.config.json`, defaults from the plan: databaseDestructive, productionDeployment and credentialChange ask a human; agentConfigChange, stagingDeployment and codeGeneration do not).',
    '- Some approvals no setting turns off: a production deploy, a hotfix (`emergency deploy hotfix`) and `emergency access` always ask a person; `approvals.policy.productionDeployment=false` has no effect and is reported as such.',
    '- Only a person decides an approval: in the console, or with `agentdeck run "approve <id> ..."` typed at an interactive terminal. An MCP client, a script or a model\'s tool (`run` without a terminal, lines piped into `agentdeck`) may ask for one but never approve or reject it.',
    '- Lowering a guard is itself a gated action: turning an `approvals.policy` key off, a longer `approvals.ttlMinutes`, or any change of `deploy` or `test` needs an approval with a typed confirmation (the project name) through `agents update config`. A hand edit of `agentdeck.config.json` that lowers a guard is reported at the next start and not applied until a person confirms it the same way. Raising a guard applies at once.',
    '- An approval binds to content: a deploy to the commit sha and its test result (the deploy merges that sha, not the branch), a migration to its SQL, a restore to the backup\'s checksum, a network change to the allow list. If the content changes before the action runs, the approval is void and the run asks again, showing what changed. Asking again for an action that already waits returns the pending approval.',
    '',
    '## Overview',
    '',
    '| command | summary | agent | approval | mode |',
    '|---|---|---|---|---|',
    ...COMMANDS.map(
      (c) =>
        `| [\`${c.id}\`](#${anchor(c.id)}) | ${cell(c.summary)}${c.destructive ? ' (destructive)' : ''} | ${AGENT_NAMES[c.agent]} | ${c.approval ?? '—'} | ${c.mode} |`,
    ),
    '',
  ];
  // Sections by first word, in order of first appearance in the registry.
  const groups = [...new Set(COMMANDS.map((c) => c.words[0]!))];
  for (const group of groups) {
    lines.push(`## ${group}`, '');
    for (const c of COMMANDS.filter((o) => o.words[0] === group)) lines.push(...section(c));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Writes docs/COMMANDS.md under `root`; returns its path. */
export function writeCommandsDoc(root: string): string {
  const path = join(root, COMMANDS_DOC);
  writeFileSync(path, renderCommandsMarkdown());
  return path;
}
