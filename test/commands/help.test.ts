import { describe, expect, it } from 'vitest';
import { helpTopic, renderCommandHelp, renderCommandOverview, renderOverview, wrap } from '../../src/commands/help.js';
import { COMMANDS, findCommand } from '../../src/commands/registry.js';
import { usageLine } from '../../src/commands/usage.js';

describe('help', () => {
  it('generates usage lines from args and flags', () => {
    expect(usageLine(findCommand('backup pitr restore')!)).toMatch(/^backup pitr restore --time <iso-time>( \[--[a-z-]+[^\]]*\])*$/);
    expect(usageLine(findCommand('approve')!)).toMatch(/^approve <id> \[deploy to staging\|production\]/);
    expect(usageLine(findCommand('migrate')!)).toMatch(/^migrate "<description>"/);
    expect(usageLine(findCommand('generate test')!)).toMatch(/^generate test "<file>"/);
    expect(usageLine(findCommand('network restrictions add')!)).toMatch(/^network restrictions add <cidrs>\.\.\./);
    expect(usageLine(findCommand('deploy')!)).toMatch(/^deploy \[staging\|production\]/);
    expect(usageLine(findCommand('status')!)).toBe('status [--output table|json|yaml]');
  });

  it('renders one command in full', () => {
    const lines = renderCommandHelp(findCommand('backup restore')!);
    const text = lines.join('\n');
    expect(lines[0]).toBe(`usage: ${usageLine(findCommand('backup restore')!)}`);
    expect(renderCommandHelp(findCommand('logs')!, 60).slice(0, 3).join('\n')).toMatch(/^usage: logs \[<agent>\][^\n]*\n {7}\S/);
    expect(text).toContain('Restore from a backup');
    expect(text).toContain('arguments:');
    expect(text).toContain('@agent backup restore bk-');
    expect(text).toContain('agent: Ops · approval: databaseDestructive (typed confirmation) · mode: run ·');
    expect(renderCommandHelp(findCommand('db config set')!).join('\n')).toContain('credentialChange (confirmation dialog)');
    expect(renderCommandHelp(findCommand('status')!).join('\n')).toContain('approval: none');
    expect(renderCommandHelp(findCommand('backup pitr restore')!).join('\n')).toMatch(/\(required\)/);
    // Everything but the examples (kept whole so they can be copied) fits the width.
    for (const c of COMMANDS) {
      for (const l of renderCommandHelp(c, 100).filter((x) => !x.startsWith('  @agent '))) {
        expect(l.length, `${c.id}: ${l}`).toBeLessThanOrEqual(100);
      }
    }
  });

  it('lists every command in the overview, grouped by first word', () => {
    const lines = renderOverview(100);
    const text = lines.join('\n');
    expect(lines).toContain('  backup');
    expect(text).toMatch(/^ {4}schedule create <time> +Create a daily backup schedule$/m);
    expect(text).toMatch(/^ {2}status +View all agent status$/m);
    const groups = new Set(COMMANDS.map((c) => c.words[0]));
    const single = [...groups].filter((g) => COMMANDS.filter((c) => c.words[0] === g).length === 1);
    expect(lines.length).toBeGreaterThanOrEqual(COMMANDS.length + groups.size - single.length);
    for (const c of COMMANDS) expect(text, c.id).toContain(c.summary);
    expect(renderCommandOverview()).toMatch(/^Commands \(in the console prompt/);
  });

  it('answers help topics: nothing, a command, a group, or an unknown name', () => {
    expect(helpTopic()).toMatchObject({ ok: true });
    const overview = helpTopic('');
    expect(overview.ok && overview.lines[0]).toBe('commands:');
    const one = helpTopic('@agent Backup Restore');
    expect(one.ok && one.lines[0]).toMatch(/^usage: backup restore/);
    const group = helpTopic('db replicas');
    expect(group.ok && group.lines).toEqual(expect.arrayContaining(['db replicas commands:']));
    expect(group.ok && group.lines.filter((l) => l.includes('db replicas ')).length).toBe(4);
    expect(helpTopic('bakup lst')).toEqual({ ok: false, error: 'no command "bakup lst": did you mean "backup list"?', suggestion: 'backup list' });
    expect(helpTopic('qqqqqq')).toEqual({ ok: false, error: 'no command "qqqqqq": type "help" for the list of commands' });
  });

  it('wraps words to the width', () => {
    expect(wrap('a bb ccc dddd', 6, '  ')).toEqual(['  a bb', '  ccc', '  dddd']);
    expect(wrap('   ', 10)).toEqual([]);
  });
});
