// The dashboard's pure parts: text fitting, the log filter and window, the keymap, the queue.
import { describe, expect, test } from 'vitest';
import type { Key } from 'ink';
import { ago, columns, elapsed, fit, paint, truncate } from '../../src/ui/format/text.js';
import { isEmptyFilter, matchesFilter, parseFilter } from '../../src/services/events/filter.js';
import { filterLines, indexOfId, lineText, renderLines, revealAnchor, scrollAnchor, windowOf } from '../../src/ui/logs/view.js';
import { BINDINGS, findBinding, ACTIONS } from '../../src/ui/keymap/bindings.js';
import { keyLabel, keyNames } from '../../src/ui/keymap/keys.js';
import { dispatchKey } from '../../src/ui/keymap/dispatch.js';
import { computeLayout, fitsMinimum, CHROME_ROWS } from '../../src/ui/layout.js';
import { buildQueue, queueSize, ticketOf } from '../../src/ui/queue.js';
import { initialState } from '../../src/store/store.js';
import type { LogLine } from '../../src/store/types.js';

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};
const key = (k: Partial<Key>): Key => ({ ...NO_KEY, ...k });

function logs(n: number): LogLine[] {
  const levels = ['info', 'success', 'warn', 'error'] as const;
  const agents = ['migrator', 'bughunter'] as const;
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, ts: 0, agent: agents[i % 2]!, level: levels[i % 4]!, message: `line ${i + 1}` }));
}

describe('text', () => {
  test('truncate cuts to the width with an ellipsis and keeps short text', () => {
    expect(truncate('hello', 10)).toBe('hello');
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(columns(truncate('日本語のテキスト', 7))).toBeLessThanOrEqual(7);
    // Control characters are shown as escapes (the rule headless output shares), tabs as a space.
    expect(truncate('a\u0007b', 9)).toBe('a\\u0007b');
    expect(truncate('é\u001b[2J\tb', 20)).toBe('é\\u001b[2J b');
    expect(truncate('abc', 0)).toBe('');
  });
  test('fit pads to the exact width', () => {
    expect(fit('ab', 5)).toBe('ab   ');
    expect(fit('abcdef', 4)).toBe('abc…');
  });
  test('paint wraps in SGR codes and leaves plain text alone', () => {
    expect(paint('red', 'x')).toBe('\u001B[31mx\u001B[39m');
    expect(paint('plain', 'x')).toBe('x');
  });
  test('ago and elapsed read like the sketch', () => {
    expect(ago(0, 2 * 3600_000)).toBe('2 hours ago');
    expect(ago(0, 1000)).toBe('just now');
    expect(ago(0, 42_000)).toBe('42s ago');
    expect(ago(0, 5 * 60_000)).toBe('5m ago');
    expect(ago(0, 3600_000)).toBe('1 hour ago');
    expect(ago(0, 72 * 3600_000)).toBe('3 days ago');
    expect(elapsed(4_000)).toBe('4s');
    expect(elapsed(125_000)).toBe('2m05s');
    expect(elapsed(3_720_000)).toBe('1h02m');
  });
});

describe('log filter', () => {
  test('agent and level tokens filter; words must all appear', () => {
    const f = parseFilter('agent:migrator level:error,warn root');
    expect(f.error).toBeNull();
    expect(matchesFilter(f, { agent: 'migrator', level: 'error' }, '[MIGRATOR] ✗ root cause')).toBe(true);
    expect(matchesFilter(f, { agent: 'bughunter', level: 'error' }, '[BUGHUNTER] ✗ root cause')).toBe(false);
    expect(matchesFilter(f, { agent: 'migrator', level: 'info' }, '[MIGRATOR] root cause')).toBe(false);
    expect(matchesFilter(f, { agent: 'migrator', level: 'warn' }, '[MIGRATOR] ⚠ other')).toBe(false);
  });
  test('agent names, tags and kinds are all accepted; unknown values are named', () => {
    expect(parseFilter('agent:StageAgent').agents?.has('stage')).toBe(true);
    expect(parseFilter('agent:STAGE').agents?.has('stage')).toBe(true);
    const bad = parseFilter('agent:nobody level:loud');
    expect(bad.error).toContain('unknown agent "nobody"');
    expect(bad.error).toContain('unknown level "loud"');
    expect(isEmptyFilter(parseFilter('  '))).toBe(true);
  });
  test('filterLines returns the same array when there is no filter', () => {
    const l = logs(10);
    expect(filterLines(l, parseFilter(''))).toBe(l);
    expect(filterLines(l, parseFilter('level:error')).map((x) => x.id)).toEqual([4, 8]);
    expect(lineText(l[1]!)).toBe('[BUGHUNTER] ✓ line 2');
  });
});

describe('log window', () => {
  const l = logs(100);
  test('follows the tail with no anchor', () => {
    expect(windowOf(l, null, 10)).toEqual({ start: 90, end: 100, following: true, below: 0 });
  });
  test('scrolling up pauses at an anchor that stays put as lines arrive', () => {
    const anchor = scrollAnchor(l, null, 10, -5);
    expect(anchor).toBe(95);
    const more = logs(150);
    const win = windowOf(more, anchor, 10);
    expect(win).toMatchObject({ start: 85, end: 95, following: false, below: 55 });
    expect(scrollAnchor(more, anchor, 10, 100)).toBeNull();
    expect(scrollAnchor(l, anchor, 10, -1000)).toBe(10);
  });
  test('an anchor dropped from the ring shows the oldest page', () => {
    expect(windowOf(logs(5), 1, 10)).toMatchObject({ start: 0, end: 5 });
    expect(indexOfId(l, 0)).toBe(-1);
    expect(indexOfId(l, 50)).toBe(49);
  });
  test('revealAnchor keeps a visible line in place and scrolls to hidden ones', () => {
    expect(revealAnchor(l, null, 10, 95)).toBe(100);
    expect(revealAnchor(l, null, 10, 20)).toBe(30);
    expect(revealAnchor(l, 30, 10, 50)).toBe(51);
  });
  test('renders only the visible slice, one line each, marking the selected line', () => {
    const text = renderLines(l, windowOf(l, null, 3), 40, 99);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('\u001B[7m');
    expect(lines[2]).toContain('\u001B[31m'); // error in red
  });
});

describe('keymap', () => {
  test('key names', () => {
    expect(keyNames('c', key({ ctrl: true }))).toEqual(['C-c']);
    expect(keyNames('', key({ return: true }))).toEqual(['enter']);
    expect(keyNames('', key({ tab: true, shift: true }))).toEqual(['S-tab']);
    expect(keyNames('', key({ pageDown: true }))).toEqual(['pgdn']);
    expect(keyNames('@agent status', NO_KEY)).toEqual(['@']);
    expect(keyNames('', NO_KEY)).toEqual([]);
    for (const [k, n] of [[{ escape: true }, 'esc'], [{ upArrow: true }, 'up'], [{ downArrow: true }, 'down'], [{ leftArrow: true }, 'left'], [{ rightArrow: true }, 'right'], [{ pageUp: true }, 'pgup'], [{ home: true }, 'home'], [{ end: true }, 'end'], [{ backspace: true }, 'backspace'], [{ tab: true }, 'tab']] as const)
      expect(keyNames('', key(k))).toEqual([n]);
    expect(keyLabel('S-tab')).toBe('Shift-Tab');
    expect(keyLabel('j')).toBe('j');
  });
  test('the issue\'s keys are all bound in normal mode, once each', () => {
    const normal = BINDINGS.filter((b) => b.modes.includes('normal')).flatMap((b) => b.keys);
    for (const k of ['?', 'H', 'R', 'L', 'D', 'tab', 'S-tab', '1', '2', '3', '4', 'j', 'k', 'g', 'G', 'pgup', 'pgdn', 'enter', 'a', 'x', 'esc', 'q', '/', 'n', 'N'])
      expect(normal.filter((x) => x === k)).toHaveLength(1);
    for (const b of BINDINGS) expect(ACTIONS).toContain(b.action);
  });
  test('the same key does different things per mode, and unbound keys fall through', () => {
    expect(findBinding('normal', ['enter'])?.action).toBe('open');
    expect(findBinding('prompt', ['enter'])?.action).toBe('submitPrompt');
    expect(findBinding('dialog', ['enter'])?.action).toBe('dialogPress');
    expect(findBinding('prompt', ['q'])).toBeUndefined();
    const calls: string[] = [];
    const actions = Object.fromEntries(ACTIONS.map((a) => [a, (input: string) => calls.push(`${a}:${input}`)])) as never;
    expect(dispatchKey('normal', 'q', NO_KEY, actions)).toBe(true);
    expect(dispatchKey('prompt', 'q', NO_KEY, actions)).toBe(false);
    expect(dispatchKey('help', 'c', key({ ctrl: true }), actions)).toBe(true);
    expect(calls).toEqual(['quit:q', 'quitNow:c']);
  });
});

describe('layout', () => {
  test('heights add up to the terminal exactly', () => {
    for (const [c, r] of [[80, 24], [120, 40], [200, 60]] as const) {
      const l = computeLayout(c, r);
      expect(CHROME_ROWS + l.topHeight + l.middleHeight).toBe(r);
      expect(l.agentsWidth + l.queueWidth).toBe(c);
      expect(l.logsWidth + l.activityWidth).toBe(c);
      const m = computeLayout(c, r, true);
      expect(CHROME_ROWS + m.middleHeight).toBe(r);
      expect(m.logsWidth).toBe(c);
    }
    expect(fitsMinimum(80, 24)).toBe(true);
    expect(fitsMinimum(79, 24)).toBe(false);
    expect(fitsMinimum(80, 23)).toBe(false);
  });
});

describe('queue', () => {
  test('approvals first, then active runs, open tickets by priority, then finished work', () => {
    const s = {
      ...initialState(),
      approvals: [{ id: 'apr-1', summary: 'deploy', status: 'pending', target: 'production', tool: 'deploy', ticketId: 'BUG-2026-002' }],
      runs: [
        { id: 'run-2', status: 'done', line: 'x', updatedAt: 2 },
        { id: 'run-1', status: 'running', line: 'y', ticketId: 'BUG-2026-001', updatedAt: 1 },
      ],
      tickets: [
        { id: 'BUG-2026-001', kind: 'BUG', title: 'a', status: 'open', priority: 'low', updatedAt: 1 },
        { id: 'BUG-2026-002', kind: 'BUG', title: 'b', status: 'open', priority: 'urgent', updatedAt: 2 },
        { id: 'BUG-2026-003', kind: 'BUG', title: 'c', status: 'closed', priority: 'high', updatedAt: 3 },
      ],
    };
    const q = buildQueue(s);
    expect(q.map((i) => i.id)).toEqual(['apr-1', 'run-1', 'BUG-2026-002', 'BUG-2026-001', 'run-2', 'BUG-2026-003']);
    expect(buildQueue(s)).toBe(q);
    expect(queueSize(s)).toBe(4);
    expect(q.map(ticketOf)).toEqual(['BUG-2026-002', 'BUG-2026-001', 'BUG-2026-002', 'BUG-2026-001', null, 'BUG-2026-003']);
    expect(ticketOf(undefined)).toBeNull();
  });
});
