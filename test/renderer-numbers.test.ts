import { describe, expect, test } from 'vitest';
import { describeStep, format } from '../renderer/src/numbers.js';

describe('numbers as the workbench shows them', () => {
  test('a weekly step in a model counted in years reads 1/52', () => {
    expect(describeStep(1 / 52)).toBe('1/52');
    expect(describeStep(0.25)).toBe('1/4');
  });
  test('steps that are not a unit fraction keep six significant figures', () => {
    expect(describeStep(1)).toBe('1');
    expect(describeStep(0.3)).toBe('0.3');
    expect(describeStep(2 / 3)).toBe('0.666667');
    expect(describeStep(1.5)).toBe('1.5');
  });
  test('table cells: whole numbers grouped, large ones rounded, the rest to six figures', () => {
    expect(format(null)).toBe('');
    expect(format(1450)).toBe('1,450');
    expect(format(2026.4)).toBe('2,026');
    expect(format(0.123456789)).toBe('0.123457');
  });
});
