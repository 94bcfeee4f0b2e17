import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBus } from '../../../src/services/events/bus.js';
import { formatEvent, formatTime } from '../../../src/services/events/format.js';
import { openState, type StateDb } from '../../../src/services/state/db.js';
import { countEvents, queryEvents } from '../../../src/services/state/events.js';
import { createRedactor, redactDeep, REDACTED } from '../../../src/services/secrets/redact.js';
import { tempDir } from '../../helpers/tmp.js';

describe('redaction', () => {
  it('redacts configured values and token shapes, and URL passwords', () => {
    const r = createRedactor(['my-service-role-key-value', 'short']);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.abcdefghijklmnop';
    const text = [
      'key my-service-role-key-value',
      'pat sbp_0123456789abcdef0123',
      'resend re_ABCDEFGHIJKLMNOPQRST',
      'anthropic sk-ant-api03-abcdefghijklmnop',
      `jwt ${jwt}`,
      'db postgres://postgres:hunter2secret@db.example.co:5432/postgres',
      'short stays',
    ].join('\n');
    const out = r(text);
    for (const s of ['my-service-role-key-value', 'sbp_0123', 're_ABCD', 'sk-ant-api03', jwt, 'hunter2secret']) expect(out).not.toContain(s);
    expect(out).toContain('postgres://postgres:[redacted]@db.example.co');
    expect(out).toContain('short stays');
    expect(r('')).toBe('');
  });

  it('redacts deeply inside objects and arrays', () => {
    const r = createRedactor(['topsecretvalue']);
    expect(redactDeep({ a: ['x topsecretvalue'], b: { c: 'topsecretvalue' }, n: 1, z: null }, r)).toEqual({ a: [`x ${REDACTED}`], b: { c: REDACTED }, n: 1, z: null });
  });
});

describe('event bus', () => {
  let root: string;
  let cleanup: () => void;
  let state: StateDb;
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir());
    state = openState(root);
  });
  afterEach(() => {
    state.close();
    cleanup();
  });

  it('assigns ids, redacts once, delivers to subscribers and appends in batches', async () => {
    const bus = createBus({ state, secrets: ['supersecretvalue'], flushMs: 10 });
    const seen: string[] = [];
    const off = bus.subscribe((e) => seen.push(`${e.id}:${e.message}`));
    const e = bus.emit({ agent: 'ops', kind: 'log', level: 'info', message: 'token supersecretvalue', data: { nested: ['supersecretvalue'] } });
    expect(e.id).toBe(1);
    expect(e.message).toBe(`token ${REDACTED}`);
    expect(countEvents(state)).toBe(0); // batched, not yet written
    await new Promise((r) => setTimeout(r, 30));
    expect(countEvents(state)).toBe(1);
    off();
    bus.emit({ agent: 'ops', kind: 'log', level: 'info', message: 'second' });
    bus.close();
    expect(seen).toEqual([`1:token ${REDACTED}`]);
    const stored = queryEvents(state);
    expect(stored.map((x) => x.message)).toEqual([`token ${REDACTED}`, 'second']);
    expect(JSON.stringify(stored)).not.toContain('supersecretvalue');
    expect(bus.persisted).toBe(2);
  });

  it('writes a full batch at once and keeps going when a subscriber throws', () => {
    const bus = createBus({ state, maxBatch: 3, flushMs: 10_000 });
    bus.subscribe(() => {
      throw new Error('bad subscriber');
    });
    const got: number[] = [];
    bus.subscribe((e) => got.push(e.id));
    for (let i = 0; i < 7; i++) bus.emit({ agent: 'orchestrator', kind: 'log', level: 'info', message: `m${i}` });
    expect(countEvents(state)).toBe(6);
    bus.flush();
    expect(countEvents(state)).toBe(7);
    expect(got).toHaveLength(7);
    bus.close();
  });

  it('numbers events after the ones already stored, so stored and live lines keep one order', () => {
    const first = createBus({ state });
    for (let i = 0; i < 3; i++) first.emit({ agent: 'ops', kind: 'log', level: 'info', message: `old ${i}` });
    first.close();
    const second = createBus({ state });
    const e = second.emit({ agent: 'ops', kind: 'log', level: 'info', message: 'new' });
    expect(e.id).toBeGreaterThan(Math.max(...queryEvents(state).map((x) => x.id)));
    second.close();
  });

  it('works without a state db', () => {
    const bus = createBus();
    const e = bus.emit({ agent: 'stage', kind: 'log', level: 'success', message: 'ok', ts: 42 });
    expect(e.ts).toBe(42);
    bus.flush();
    expect(bus.persisted).toBe(0);
  });

  it('formats lines in the plan style', () => {
    expect(formatEvent({ agent: 'orchestrator', level: 'success', message: 'Ticket created: BUG-2026-001' })).toBe('[ORCHESTRATOR] ✓ Ticket created: BUG-2026-001');
    expect(formatEvent({ agent: 'bughunter', level: 'info', message: 'Analyzing issue...' })).toBe('[BUGHUNTER] Analyzing issue...');
    expect(formatEvent({ agent: 'stage', level: 'error', message: 'x' })).toBe('[STAGE] ✗ x');
    expect(formatTime(new Date(2026, 0, 1, 9, 5, 7).getTime())).toBe('09:05:07');
  });
});
