// The user's plan words its commands its own way ("deploy to staging", "approve deployment for
// AI-EST-142"): each phrasing parses to the command it means, with the ticket and environment.
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/commands/parse.js';

function command(line: string): { id: string; args: Record<string, unknown> } {
  const r = parse(line);
  if (!r.ok) throw new Error(`${line}: ${r.error}`);
  if (r.kind !== 'command') throw new Error(`${line}: read as free text`);
  return { id: r.command.id, args: r.command.args as Record<string, unknown> };
}

describe("the plan's phrasings", () => {
  it.each([
    ['deploy to staging', { env: 'staging' }],
    ['@agent deploy to production', { env: 'production' }],
    ['deploy AI-EST-142 to staging', { env: 'staging', ticket: 'AI-EST-142' }],
    ['deploy BUG-2026-001 to production', { env: 'production', ticket: 'BUG-2026-001' }],
    ['deploy staging --ticket ai-est-142', { env: 'staging', ticket: 'AI-EST-142' }],
    ['deploy production BUG-2026-001', { env: 'production', ticket: 'BUG-2026-001' }],
    ['deploy', { env: 'staging' }],
  ])('%s', (line, expected) => {
    const c = command(line);
    expect(c.id).toBe('deploy');
    expect(c.args).toMatchObject(expected);
  });

  it('a ticket named twice (as a word and with --ticket) is one clear line', () => {
    const r = parse('deploy BUG-2026-001 to staging --ticket BUG-2026-002');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe('deploy: --ticket is given twice (once as a word): give it once');
  });

  it('an unknown word after deploy is still refused', () => {
    const r = parse('deploy to mars');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe('deploy: unexpected argument "mars": it takes <env>');
  });

  it.each([
    ['approve deployment for AI-EST-142', { id: 'AI-EST-142', target: 'deployment' }],
    ['approve deployment for AI-EST-142 to production', { id: 'AI-EST-142', target: 'production' }],
    ['approve AI-EST-142 deploy to staging', { id: 'AI-EST-142', target: 'staging' }],
    ['approve BUG-2025-001 deploy to production', { id: 'BUG-2025-001', target: 'production' }],
    ['approve APR-0001', { id: 'APR-0001' }],
  ])('%s', (line, expected) => {
    const c = command(line);
    expect(c.id).toBe('approve');
    expect(c.args).toMatchObject(expected);
  });

  it.each([
    ['review AI-EST-142', 'review', { id: 'AI-EST-142' }],
    ['close ticket AI-EST-142', 'close ticket', { id: 'AI-EST-142' }],
    ['create ticket --ref AI-EST-142 "estimates are not saved"', 'create ticket', { ref: 'AI-EST-142', description: 'estimates are not saved' }],
    ['fix ticket ai-est-142', 'fix ticket', { id: 'AI-EST-142' }],
    ['rollback AI-EST-142', 'rollback', { id: 'AI-EST-142' }],
  ])('%s', (line, id, expected) => {
    const c = command(line);
    expect(c.id).toBe(id);
    expect(c.args).toMatchObject(expected);
  });

  it("refuses one of agentdeck's own ids as an outside reference", () => {
    const r = parse('create ticket --ref BUG-2026-001 "x"');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain("is one of agentdeck's own ids");
  });

  it('free text naming an outside id stays free text for the router', () => {
    const r = parse("@agent I need to fix the AI estimate persistence issue. Here's the ticket: AI-EST-142");
    expect(r.ok && r.kind).toBe('text');
  });
});
