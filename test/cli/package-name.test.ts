// The npm name `agentdeck` belongs to an unrelated package: nothing we ship or document may run
// `npx agentdeck` (which would fetch and run that package); the installed binary is run instead.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_COMMAND_MD, initClaude } from '../../src/cli/init-claude.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** `npx agentdeck`, `npx -y agentdeck`, `npx --yes agentdeck`: a fetch of whatever holds the name. */
const FOREIGN_NPX = /\bnpx\s+(?:(?:-y|--yes|-p\s+\S+)\s+)*agentdeck(?![\w-])/;

function textFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...textFiles(p));
    else if (/\.(md|ts|tsx|mjs|js|json)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('the package name', () => {
  it('is one we hold, with the command still called agentdeck', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
    expect(pkg.name).toBe('agentdeck-console');
    expect(Object.keys(pkg.bin)).toEqual(['agentdeck']);
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { name: string; packages: Record<string, { name?: string }> };
    expect(lock.name).toBe(pkg.name);
    expect(lock.packages['']?.name).toBe(pkg.name);
  });

  it('no document, source file or generated file runs `npx agentdeck`', () => {
    const files = [join(ROOT, 'README.md'), ...textFiles(join(ROOT, 'docs')), ...textFiles(join(ROOT, 'src')), ...textFiles(join(ROOT, 'scripts'))];
    const offenders = files.filter((f) => FOREIGN_NPX.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
    expect(AGENT_COMMAND_MD).not.toMatch(FOREIGN_NPX);
    expect(AGENT_COMMAND_MD).toContain('npx --no-install agentdeck run');
    const { dir, cleanup } = tempDir('agentdeck-name-');
    try {
      mkdirSync(join(dir, '.git'));
      const lines = initClaude(dir).lines.join('\n');
      expect(lines).not.toMatch(FOREIGN_NPX);
      expect(lines).toContain('claude mcp add agentdeck -- npx --no-install agentdeck mcp');
    } finally {
      cleanup();
    }
  });

  it('the pattern catches the forms that fetch a package', () => {
    for (const bad of ['npx agentdeck mcp', 'run `npx -y agentdeck`', 'npx --yes agentdeck run x']) expect(bad).toMatch(FOREIGN_NPX);
    for (const good of ['npx --no-install agentdeck mcp', './node_modules/.bin/agentdeck', 'npx agentdeck-console']) expect(good).not.toMatch(FOREIGN_NPX);
  });
});
