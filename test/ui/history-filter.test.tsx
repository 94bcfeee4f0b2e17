// The `/` filter searches the whole stored history once applied, with the same translation as the
// `logs` command, and n/N step through every match, not only the lines held in memory.
import { describe, expect, test } from 'vitest';
import type { AgentKind } from '../../src/commands/types.js';
import type { Level } from '../../src/services/events/types.js';
import { openState } from '../../src/services/state/db.js';
import { appendEvents } from '../../src/services/state/events.js';
import { filterLogs } from '../../src/ui/logs/view.js';
import { KEYS, plain, waitFor } from './harness.js';
import { useMounts, type Mounted } from './mount.js';

const mount = useMounts();
const AGENTS: AgentKind[] = ['migrator', 'stage', 'bughunter', 'codesmith', 'ops'];
const LEVELS: Level[] = ['debug', 'info', 'success', 'warn', 'error'];

/** Thousands of stored lines, written before the dashboard opened, so none of them is in memory. */
function storeHistory(root: string, n: number): void {
  const state = openState(root);
  try {
    appendEvents(
      state,
      Array.from({ length: n }, (_, i) => ({
        id: 0,
        ts: 1_700_000_000_000 + i,
        agent: AGENTS[i % AGENTS.length]!,
        kind: 'log' as const,
        level: LEVELS[Math.floor(i / AGENTS.length) % LEVELS.length]!,
        message: i % 997 === 0 ? `statement timeout on estimates (${i})` : `step ${i} of the nightly work`,
      })),
    );
  } finally {
    state.close();
  }
}

const shown = (m: Mounted): readonly { id: number; message: string }[] => {
  const s = m.ui.getState();
  return filterLogs(m.store.getState().logs, s.filter, s.found);
};

async function applyFilter(m: Mounted, text: string): Promise<void> {
  await m.press('/');
  await m.type(text);
  await m.press(KEYS.enter);
}

describe('the log filter over the stored history', { timeout: 60_000 }, () => {
  test('agent:migrator level:error finds exactly what `logs migrator --level error` finds, beyond the lines in memory', async () => {
    const root = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/agentdeck-hist-`);
    storeHistory(root, 9000);
    const m = mount({ root });
    // Start-up loads only the newest lines.
    expect(m.store.getState().logs.length).toBeLessThan(9000);
    await applyFilter(m, 'agent:migrator level:error');
    const viaCommand = await m.t.engine.dispatch('logs migrator --level error --limit 5000', { initiator: 'you' });
    const expected = (viaCommand.data as { message: string }[]).map((l) => l.message);
    expect(expected.length).toBeGreaterThan(300);
    expect(shown(m).map((l) => l.message)).toEqual(expected);
    await waitFor(() => expect(plain(m.lastFrame())).toContain(`${expected.length} matches in history`));
  });

  test('words search the stored text; n/N step through every stored match and wrap', async () => {
    const root = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/agentdeck-hist-`);
    storeHistory(root, 9000);
    const m = mount({ root });
    await applyFilter(m, 'statement TIMEOUT');
    const matches = shown(m);
    // i = 0, 997, ..., 8973: ten lines, most of them long out of memory.
    expect(matches.map((l) => l.message)).toEqual(Array.from({ length: 10 }, (_, k) => `statement timeout on estimates (${k * 997})`));
    const seen = new Set<number>();
    for (let i = 0; i < 10; i++) {
      await m.press('n');
      seen.add(m.ui.getState().match!);
    }
    expect(seen.size).toBe(10);
    expect(m.ui.getState().notice).toMatch(/^match \d+ of 10$/);
    // A live line that matches joins the history's matches, after them.
    m.t.bus.emit({ agent: 'migrator', kind: 'log', level: 'warn', message: 'statement timeout again' });
    m.flush();
    await waitFor(() => expect(shown(m).at(-1)?.message).toBe('statement timeout again'));
    expect(shown(m)).toHaveLength(11);
    // Editing the filter drops the history matches until it is applied again.
    await m.press('/');
    await m.press(KEYS.backspace);
    expect(m.ui.getState().found).toBeNull();
    await m.press(KEYS.esc);
  });

  test('more matches than one page: going to the top loads the older pages, in order, until none is left', async () => {
    const root = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/agentdeck-hist-`);
    storeHistory(root, 9000);
    const m = mount({ root });
    await applyFilter(m, 'nightly');
    expect(shown(m)).toHaveLength(2000);
    expect(m.ui.getState().found?.more).toBe(true);
    await m.press('3');
    for (let i = 0; i < 5; i++) await m.press('g');
    const lines = shown(m);
    // Every line but the ten timeouts (i = 0, 997, ...), oldest first, each once.
    expect(lines).toHaveLength(8990);
    expect(lines[0]?.message).toBe('step 1 of the nightly work');
    expect(lines.at(-1)?.message).toBe('step 8999 of the nightly work');
    const ids = lines.map((l) => l.id);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(m.ui.getState().found?.more).toBe(false);
    await waitFor(() => expect(plain(m.lastFrame())).toContain('step 1 of the nightly work'));
  });

  test('a filter that names an unknown agent says what is accepted and searches nothing', async () => {
    const m = mount();
    await applyFilter(m, 'agent:nobody');
    expect(m.ui.getState().notice).toMatch(/filter: unknown agent "nobody" \(accepted: orchestrator, bughunter/);
    expect(m.ui.getState().found).toBeNull();
    // Esc clears the filter; a new one that matches nothing says so.
    await m.press(KEYS.esc);
    await applyFilter(m, 'nothing-says-this');
    expect(m.ui.getState().notice).toBe('No stored line matches "nothing-says-this"');
  });
});
