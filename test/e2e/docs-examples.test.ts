// Every example the documentation shows runs as written: README.md, docs/COMMANDS.md (generated
// from the registry), docs/CLAUDE-CODE.md and the /agent slash command that `init claude` writes.
// Each is read out of the text, parsed, and run through the engine against a create-next-app
// fixture (a real git repository). It fails when an example is a usage error, or when a command
// documented "Approval: none" stops to ask for one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_COMMAND_MD } from '../../src/cli/init-claude.js';
import { approvalText } from '../../src/commands/help.js';
import { parse } from '../../src/commands/parse.js';
import { findCommand } from '../../src/commands/registry.js';
import { buildNextApp, type NextApp } from '../fixtures/next-app/build.js';
import { makeContext, type TestContext } from '../helpers/context.js';

const REPO = join(import.meta.dirname, '..', '..');

/** The lines inside ``` blocks. */
function codeLines(markdown: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of markdown.split('\n')) {
    if (line.trim().startsWith('```')) inside = !inside;
    else if (inside) out.push(line.trim());
  }
  return out;
}

/** `npx agentdeck run "<command>"` (escaped quotes inside) or `npx agentdeck run --json status` -> the command. */
function runArgument(line: string): string | null {
  const m = /^(?:npx )?agentdeck run (.+)$/.exec(line);
  if (!m) return null;
  const rest = m[1]!;
  const quoted = /^(?:--json )?"((?:[^"\\]|\\.)*)"/.exec(rest);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  return rest.split(' ').filter((w) => !w.startsWith('--')).join(' ');
}

/** The commands a document shows: `@agent ...`, `/agent ...` and `agentdeck run ...` lines of its code blocks. */
export function examplesOf(markdown: string): string[] {
  const out: string[] = [];
  for (const line of codeLines(markdown)) {
    if (line.startsWith('@agent ')) out.push(line.slice('@agent '.length));
    else if (line.startsWith('/agent ')) out.push(line.slice('/agent '.length));
    else {
      const run = runArgument(line);
      if (run) out.push(run.replace(/^@agent /, ''));
    }
  }
  return out;
}

/** The slash command's examples: its argument hint, `<command>, e.g. a | b | c`. */
function slashCommandExamples(): string[] {
  const hint = /^argument-hint: .*?e\.g\. (.+)$/m.exec(AGENT_COMMAND_MD)?.[1] ?? '';
  return hint.split(' | ').map((s) => s.trim());
}

const SOURCES: Record<string, string[]> = {
  'README.md': examplesOf(readFileSync(join(REPO, 'README.md'), 'utf8')),
  'docs/COMMANDS.md': examplesOf(readFileSync(join(REPO, 'docs', 'COMMANDS.md'), 'utf8')),
  'docs/CLAUDE-CODE.md': examplesOf(readFileSync(join(REPO, 'docs', 'CLAUDE-CODE.md'), 'utf8')),
  '.claude/commands/agent.md': slashCommandExamples(),
};
const ALL = Object.entries(SOURCES).flatMap(([doc, lines]) => lines.map((line) => ({ doc, line })));

describe('the documented examples', () => {
  it('are found in every document', () => {
    for (const [doc, lines] of Object.entries(SOURCES)) expect(lines.length, doc).toBeGreaterThan(1);
    expect(SOURCES['.claude/commands/agent.md']).toContain('deploy BUG-2026-001 to staging');
    expect(SOURCES['docs/CLAUDE-CODE.md']).toContain('deploy BUG-2026-001 to staging');
  });

  it.each(ALL.map((e) => [e.doc, e.line] as const))('%s: "%s" parses as a command', (_doc, line) => {
    const r = parse(line);
    expect(r.ok ? r.kind : r.error).toBe('command');
  });
});

describe('the documented examples run on a create-next-app project', { timeout: 600_000 }, () => {
  let app: NextApp;
  let t: TestContext;
  beforeAll(async () => {
    app = buildNextApp({ runner: 'node' });
    t = makeContext({ root: app.root, run: false });
    // The tickets the examples name exist, as they would by then.
    await t.engine.dispatch('create ticket --kind bug --ref AI-EST-142 "AI estimates are not persisting"', { initiator: 'you' });
  });
  afterAll(() => {
    t.cleanup();
    app.cleanup();
  });

  // One run per distinct line, in the order the documents show them.
  const lines = [...new Set(ALL.map((e) => e.line))];
  it.each(lines)('"%s" is no usage error, and asks for an approval only where documented', async (line) => {
    const parsed = parse(line);
    const spec = parsed.ok && parsed.kind === 'command' ? findCommand(parsed.command.id) : undefined;
    expect(spec, line).toBeDefined();
    const r = await t.engine.dispatch(line, { initiator: 'you' });
    expect(r.error?.code === 'usage' ? r.message : 'not a usage error').toBe('not a usage error');
    // `resume` continues another run, which asks for what that run's own command needs.
    if (approvalText(spec!) === 'none' && spec!.id !== 'resume') expect(`${r.status}: ${r.message}`).not.toMatch(/^waiting_approval/);
  });
});
