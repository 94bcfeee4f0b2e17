import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadProject } from '../../../src/services/config/project.js';
import { findProjectRoot } from '../../../src/services/config/root.js';
import { collectSecrets, urlPassword } from '../../../src/services/config/secrets.js';
import { tempDir } from '../../helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('agentdeck-config-'));
  dir = realpathSync(dir);
});
afterEach(() => cleanup());

function gitInit(path: string): void {
  execFileSync('git', ['init', '-q', path]);
}

describe('findProjectRoot', () => {
  it('is the git top level of a nested directory, the same as git rev-parse says', () => {
    gitInit(dir);
    const nested = join(dir, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    expect(findProjectRoot(nested)).toBe(dir);
    const git = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: nested, encoding: 'utf8' }).trim();
    expect(findProjectRoot(nested)).toBe(git);
  });

  it('is the directory itself outside any repository', () => {
    const nested = join(dir, 'plain');
    mkdirSync(nested);
    expect(findProjectRoot(nested)).toBe(nested);
  });

  it('stops at a worktree or submodule whose .git is a file', () => {
    const sub = join(dir, 'sub');
    mkdirSync(join(sub, 'src'), { recursive: true });
    writeFileSync(join(sub, '.git'), 'gitdir: ../.git/modules/sub\n');
    expect(findProjectRoot(join(sub, 'src'))).toBe(sub);
  });
});

describe('loadProject', () => {
  it('loads credentials from .env with the environment winning, and the config file', () => {
    gitInit(dir);
    writeFileSync(
      join(dir, '.env'),
      [
        'SUPABASE_URL=https://fromfile.supabase.co',
        'SUPABASE_SERVICE_ROLE_KEY="file-service-role-key-123"',
        'RESEND_API_KEY=re_from_file_0123456789abcdef',
        'AGENTDECK_EMAIL_TO=a@example.com, b@example.com',
        'EMPTY_ONE=',
        'SUPABASE_PROJECT_REF=',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'agentdeck.config.json'), JSON.stringify({ name: 'crm', email: { to: 'cfg@example.com', from: 'deck@example.com' } }));
    mkdirSync(join(dir, 'app'));
    const project = loadProject(join(dir, 'app'), { SUPABASE_URL: 'https://fromenv.supabase.co', PATH: '/usr/bin' });
    expect(project.root).toBe(dir);
    expect(project.stateDir).toBe(join(dir, '.agentdeck'));
    expect(project.configFound).toBe(true);
    expect(project.config.name).toBe('crm');
    expect(project.env).toEqual({
      SUPABASE_URL: 'https://fromenv.supabase.co',
      SUPABASE_SERVICE_ROLE_KEY: 'file-service-role-key-123',
      RESEND_API_KEY: 're_from_file_0123456789abcdef',
      AGENTDECK_EMAIL_TO: 'a@example.com, b@example.com',
    });
    // The environment's addresses take precedence over the file's.
    expect(project.config.email.to).toEqual(['a@example.com', 'b@example.com']);
    expect(project.config.email.from).toBe('deck@example.com');
    expect(project.secrets).toEqual(expect.arrayContaining(['file-service-role-key-123', 're_from_file_0123456789abcdef']));
    expect(project.secrets).not.toContain('https://fromenv.supabase.co');
    expect(project.warnings).toEqual([]);
  });

  it('works with neither a config file nor a .env: defaults, named after the directory', () => {
    const project = loadProject(dir, {});
    expect(project.configFound).toBe(false);
    expect(project.config.name).toBe(dir.split('/').pop());
    expect(project.env).toEqual({});
    expect(project.secrets).toEqual([]);
  });

  it('throws a ConfigError with one line per mistake', () => {
    writeFileSync(join(dir, 'agentdeck.config.json'), JSON.stringify({ agents: { concurrency: { bughunter: 'x' } }, deploy: { prod: [] } }));
    try {
      loadProject(dir, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).lines).toEqual([
        'agentdeck.config.json: deploy.prod: unknown setting (accepted: staging, production)',
        'agentdeck.config.json: agents.concurrency.bughunter: expected a whole number from 1 to 16, got "x"',
      ]);
    }
  });

  it('names invalid JSON and an unreadable file in one line', () => {
    writeFileSync(join(dir, 'agentdeck.config.json'), '{ "name": "x", }');
    expect(() => loadProject(dir, {})).toThrow(/^agentdeck\.config\.json: not valid JSON: /);
    mkdirSync(join(dir, 'dir-root'));
    mkdirSync(join(dir, 'dir-root', 'agentdeck.config.json'));
    expect(() => loadProject(join(dir, 'dir-root'), {})).toThrow('agentdeck.config.json: cannot be read (EISDIR)');
  });

  it('passes on .env warnings and survives an unreadable .env', () => {
    writeFileSync(join(dir, '.env'), 'GOOD=1\nthis line is wrong\n');
    expect(loadProject(dir, {}).warnings).toEqual(['.env:2: expected KEY=VALUE (the line is not shown: it may hold a secret)']);
    if (process.getuid?.() !== 0) {
      chmodSync(join(dir, '.env'), 0o000);
      expect(loadProject(dir, {}).warnings).toEqual(['.env: cannot be read (EACCES)']);
    }
  });
});

describe('collectSecrets', () => {
  it('takes keys, tokens, passwords and connection strings, longest first, skipping short values', () => {
    const secrets = collectSecrets({
      SUPABASE_SERVICE_ROLE_KEY: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.sig',
      SUPABASE_ACCESS_TOKEN: 'sbp_0123456789abcdef0123',
      SUPABASE_DB_URL: 'postgresql://postgres:p%40ss-w0rd@db.example.co:5432/postgres',
      DATABASE_URL: 'postgres://app@localhost/db',
      REDIS_URL: 'redis://default:redispassword@cache:6379',
      GITHUB_TOKEN: 'abc',
      SUPABASE_URL: 'https://x.supabase.co',
      SUPABASE_PROJECT_REF: 'abcdefghijklmnopqrst',
      HOME: '/root',
    });
    expect(secrets).toEqual(
      expect.arrayContaining([
        'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.sig',
        'sbp_0123456789abcdef0123',
        'postgresql://postgres:p%40ss-w0rd@db.example.co:5432/postgres',
        'p%40ss-w0rd',
        'p@ss-w0rd',
        'postgres://app@localhost/db',
        'redis://default:redispassword@cache:6379',
        'redispassword',
      ]),
    );
    expect(secrets).not.toContain('abc');
    expect(secrets).not.toContain('https://x.supabase.co');
    expect(secrets).not.toContain('abcdefghijklmnopqrst');
    expect(secrets).not.toContain('/root');
    const lengths = secrets.map((s) => s.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
  });

  it('finds the password of a URL only where there is one', () => {
    expect(urlPassword('postgres://u:pw@h/db')).toBe('pw');
    expect(urlPassword('postgres://u@h/db')).toBeNull();
    expect(urlPassword('https://h/path?x=a:b@c')).toBeNull();
    expect(urlPassword('not a url')).toBeNull();
  });

  it('keeps a malformed percent-encoding as written', () => {
    expect(collectSecrets({ X_DB_URL: 'postgres://u:bad%zzpass@h/db' })).toContain('bad%zzpass');
  });
});
