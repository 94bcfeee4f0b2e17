// `agentdeck init claude`: writes the /agent slash command for Claude Code, through the real CLI entry.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { AGENT_COMMAND_MD, initClaude } from '../../src/cli/init-claude.js';
import { tempDir } from '../helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('agentdeck-claude-'));
  mkdirSync(join(dir, '.git'));
});
afterEach(() => cleanup());

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function cli(args: string[], cwd = dir) {
  const out = sink();
  const err = sink();
  const code = await main(args, { cwd, stdout: out.stream, stderr: err.stream, env: { NO_COLOR: '1' } });
  return { code, out: out.text(), err: err.text() };
}

describe('agentdeck init claude', () => {
  it('writes .claude/commands/agent.md at the project root, from a subdirectory too', async () => {
    mkdirSync(join(dir, 'app', 'api'), { recursive: true });
    const r = await cli(['init', 'claude'], join(dir, 'app', 'api'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('type /agent <command> in Claude Code');
    expect(r.out).toContain('claude mcp add agentdeck -- npx --no-install agentdeck mcp');
    const md = readFileSync(join(dir, '.claude', 'commands', 'agent.md'), 'utf8');
    expect(md).toBe(AGENT_COMMAND_MD);
    expect(md).toMatch(/^---\ndescription: .+\nargument-hint: .+\nallowed-tools: Bash\(npx --no-install agentdeck run:\*\)\n---\n/);
    expect(md).toContain('$ARGUMENTS');
    expect(md).toContain("npx --no-install agentdeck run '<the command above>' --json");
  });

  it('is idempotent, keeps an edited file unless --force, and rejects unknown arguments', async () => {
    expect((await cli(['init', 'claude'])).code).toBe(0);
    expect((await cli(['init', 'claude'])).out).toContain('already up to date');
    writeFileSync(join(dir, '.claude', 'commands', 'agent.md'), 'my own version\n');
    const kept = await cli(['init', 'claude']);
    expect(kept.code).toBe(1);
    expect(kept.err).toContain('exists and differs');
    expect(readFileSync(join(dir, '.claude', 'commands', 'agent.md'), 'utf8')).toBe('my own version\n');
    expect((await cli(['init', 'claude', '--force'])).code).toBe(0);
    expect(readFileSync(join(dir, '.claude', 'commands', 'agent.md'), 'utf8')).toBe(AGENT_COMMAND_MD);
    const bad = await cli(['init', 'claude', '--yes']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown argument "--yes"; accepted: --force');
    expect((await cli(['init', 'claude', '--help'])).out).toContain('usage: agentdeck init claude');
  });

  it('says why when the file cannot be written', () => {
    // A file where the commands directory should be: fails the same for every user, root too.
    mkdirSync(join(dir, '.claude'));
    writeFileSync(join(dir, '.claude', 'commands'), 'not a directory');
    const r = initClaude(dir);
    expect(r.ok).toBe(false);
    expect(r.lines[0]).toMatch(/^cannot write .*agent\.md: (EEXIST|ENOTDIR)$/);
  });
});
