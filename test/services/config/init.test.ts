import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureIgnored, initProject } from '../../../src/services/config/init.js';
import { loadProject } from '../../../src/services/config/project.js';
import { tempDir } from '../../helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('agentdeck-init-')));
afterEach(() => cleanup());

describe('initProject', () => {
  it('writes a starter config that the schema accepts, and the ignore lines', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'crm-ai-pro', scripts: { test: 'vitest', build: 'next build' } }));
    const r = initProject(dir);
    expect(r.ok).toBe(true);
    expect(r.lines[0]).toBe(`wrote ${join(dir, 'agentdeck.config.json')}`);
    const project = loadProject(dir, {});
    expect(project.configFound).toBe(true);
    expect(project.config.name).toBe('crm-ai-pro');
    expect(project.config.test).toEqual(['npm', 'test']);
    expect(project.config.build).toEqual(['npm', 'run', 'build']);
    expect(project.config.deploy).toEqual({ staging: [], production: [] });
    expect(r.lines[1]).toMatch(/^next: set deploy\.staging and deploy\.production/);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('# agentdeck\nstaged/\n.agentdeck/\n');
    expect(r.lines[2]).toBe(`added staged/, .agentdeck/ to ${join(dir, '.gitignore')}`);
    expect(initProject(dir, { force: true }).lines[2]).toBe('.gitignore already ignores staged/, .agentdeck/');
  });

  it('leaves out commands the package does not have, and names the project after the directory without a package.json', () => {
    initProject(dir);
    const raw = JSON.parse(readFileSync(join(dir, 'agentdeck.config.json'), 'utf8')) as Record<string, unknown>;
    expect(raw.test).toBeUndefined();
    expect(raw.build).toBeUndefined();
    expect(raw.name).toBe(dir.split('/').pop());
  });

  it('refuses to overwrite without force, and overwrites with it', () => {
    writeFileSync(join(dir, 'agentdeck.config.json'), '{"name":"mine"}');
    const refused = initProject(dir);
    expect(refused.ok).toBe(false);
    expect(refused.lines[0]).toContain('already exists');
    expect(refused.lines[0]).toContain('--force');
    expect(readFileSync(join(dir, 'agentdeck.config.json'), 'utf8')).toBe('{"name":"mine"}');
    expect(initProject(dir, { force: true }).ok).toBe(true);
    expect(readFileSync(join(dir, 'agentdeck.config.json'), 'utf8')).toContain('"approvals"');
    expect(existsSync(join(dir, '.gitignore'))).toBe(true);
  });
});

describe('the .env warning', () => {
  it('warns when a .env with credentials is not ignored, and not once it is', () => {
    writeFileSync(join(dir, '.env'), 'RESEND_API_KEY=re_x\n');
    expect(initProject(dir).lines.at(-1)).toMatch(/^warning: \.env is not in \.gitignore/);
    writeFileSync(join(dir, '.gitignore'), '.env*\n');
    expect(initProject(dir, { force: true }).lines.at(-1)).not.toMatch(/^warning/);
  });
});

describe('ensureIgnored', () => {
  it('adds only what is missing, keeps what is there, and is idempotent', () => {
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n/staged');
    expect(ensureIgnored(dir)).toEqual(['.agentdeck/']);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n/staged\n# agentdeck\n.agentdeck/\n');
    expect(ensureIgnored(dir)).toEqual([]);
  });
});
