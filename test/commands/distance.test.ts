import { describe, expect, it } from 'vitest';
import { editDistance, nearest, typoBudget } from '../../src/commands/distance.js';

describe('edit distance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('backup', 'backup')).toBe(0);
    expect(editDistance('bakup', 'backup')).toBe(1);
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('gives up early past the limit', () => {
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
  });

  it('finds the nearest word within the typo budget, including typed prefixes', () => {
    expect(typoBudget(2)).toBe(0);
    expect(typoBudget(5)).toBe(1);
    expect(typoBudget(9)).toBe(2);
    expect(nearest('statsu', ['status', 'logs'])).toBe('status');
    expect(nearest('sched', ['schedule', 'list'])).toBe('schedule');
    expect(nearest('do', ['db'])).toBeUndefined();
    expect(nearest('zzzz', ['status'])).toBeUndefined();
  });
});
