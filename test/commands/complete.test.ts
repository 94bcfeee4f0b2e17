import { describe, expect, it } from 'vitest';
import { applyCompletion, complete } from '../../src/commands/complete.js';
import { COMMANDS } from '../../src/commands/registry.js';

describe('complete', () => {
  it('offers every first word on an empty line, in registry order', () => {
    const c = complete('');
    expect(c.candidates).toEqual([...new Set(COMMANDS.map((x) => x.words[0]))]);
    expect(c).toMatchObject({ common: '', from: 0 });
  });

  it('completes command words after the optional @agent prefix', () => {
    expect(complete('@ag')).toEqual({ candidates: ['@agent'], common: '@agent', from: 0 });
    expect(complete('@agent dep')).toEqual({ candidates: ['deploy'], common: 'deploy', from: 7 });
    expect(complete('ba')).toMatchObject({ candidates: ['backup'], common: 'backup' });
    expect(complete('backup ').candidates).toEqual(['create', 'delete', 'get', 'list', 'pitr', 'restore', 'schedule']);
    expect(complete('backup sch')).toMatchObject({ candidates: ['schedule'], from: 7 });
    expect(complete('BACKUP SCHEDULE ').candidates).toEqual(['create', 'list']);
    expect(complete('migrate ').candidates).toEqual(['execute', 'status']);
  });

  it('completes flags, then flag values', () => {
    expect(complete('status --')).toEqual({ candidates: ['--output', '--help'], common: '--', from: 7 });
    expect(complete('status -').candidates).toEqual(['--output', '--help']);
    expect(complete('status --output ').candidates).toEqual(['table', 'json', 'yaml']);
    expect(complete('status --output j').candidates).toEqual(['json']);
    expect(complete('status --output=j').candidates).toEqual(['--output=json']);
    expect(complete('status --output json --').candidates).toEqual(['--help']);
    expect(complete('db replicas create --region eu-w')).toMatchObject({ candidates: ['eu-west-1', 'eu-west-2', 'eu-west-3'], common: 'eu-west-' });
    expect(complete('generate api /x --methods GET,P').candidates).toEqual(['GET,POST', 'GET,PUT', 'GET,PATCH']);
    expect(complete('system logs --limit ').candidates).toEqual([]);
  });

  it('completes argument choices by position', () => {
    expect(complete('deploy ').candidates).toEqual(['staging', 'production']);
    expect(complete('deploy --dry-run p').candidates).toEqual(['production']);
    expect(complete('deploy staging ').candidates).toEqual([]);
    expect(complete('emergency maintenance ')).toMatchObject({ candidates: ['on', 'off'], common: 'o' });
    expect(complete('logs bug').candidates).toEqual(['bughunter']);
    expect(complete('help ba').candidates).toEqual(['backup']);
    expect(complete('help backup schedule ').candidates).toEqual(['create', 'list']);
    expect(complete('help nothing ').candidates).toEqual([]);
    expect(complete('create ticket -- --').candidates).toEqual([]);
  });

  it('offers nothing inside quotes or after unknown words', () => {
    expect(complete('create ticket "abc').candidates).toEqual([]);
    expect(complete('create ticket "abc" ').candidates).toEqual([]);
    expect(complete('frobnicate ').candidates).toEqual([]);
    expect(complete('backup frob ').candidates).toEqual([]);
    expect(complete('create ticket "x').from).toBe('create ticket "x'.length);
  });

  it('applies a completion: one candidate and a space, or the common prefix', () => {
    expect(applyCompletion('@agent dep', complete('@agent dep'))).toBe('@agent deploy ');
    expect(applyCompletion('db replicas create --region eu-w', complete('db replicas create --region eu-w'))).toBe(
      'db replicas create --region eu-west-',
    );
    expect(applyCompletion('backup ', complete('backup '))).toBe('backup ');
    expect(applyCompletion('zz', complete('zz'))).toBe('zz');
  });
});
