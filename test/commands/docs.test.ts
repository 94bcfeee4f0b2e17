import { readFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS_DOC, renderCommandsMarkdown, writeCommandsDoc } from '../../src/commands/docs.js';
import { COMMANDS } from '../../src/commands/registry.js';

const root = resolve(import.meta.dirname, '../..');

describe('docs/COMMANDS.md', () => {
  it('is up to date with the registry', () => {
    const committed = readFileSync(join(root, COMMANDS_DOC), 'utf8');
    if (committed !== renderCommandsMarkdown()) {
      expect.fail('docs/COMMANDS.md is stale: run `npm run docs` and commit the result');
    }
  });

  it('documents every command with usage, flags, examples, agent and approval', () => {
    const md = renderCommandsMarkdown();
    expect(md).toContain(`${COMMANDS.length} commands.`);
    for (const c of COMMANDS) {
      expect(md, c.id).toContain(`### ${c.id}\n`);
      for (const e of c.examples) expect(md, c.id).toContain(`@agent ${e}\n`);
    }
    expect(md).toContain('| `[--output table\\|json\\|yaml]` |');
    expect(md).toContain('Approval: productionDeployment (typed confirmation; always asked for production whatever the policy says)');
    expect(md).toContain('**Destructive**');
    expect(md.endsWith('\n')).toBe(true);
    expect(renderCommandsMarkdown()).toBe(md);
  });

  it('writes the file under a root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentdeck-docs-'));
    try {
      mkdirSync(join(dir, 'docs'));
      const path = writeCommandsDoc(dir);
      expect(path).toBe(join(dir, 'docs', 'COMMANDS.md'));
      expect(readFileSync(path, 'utf8')).toBe(renderCommandsMarkdown());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
