import { describe, expect, test } from 'vitest';
import { divideUnits, formatUnits, isDimensionless, multiplyUnits, parseUnits, sameUnits } from '../engine/src/check/units.js';

const same = (a: string, b: string): boolean => sameUnits(parseUnits(a), parseUnits(b));

describe('unit expressions', () => {
  test('spellings that mean the same unit', () => {
    expect(same('people/year', 'person per year')).toBe(true);
    expect(same('people/years', 'persons/year')).toBe(true);
    expect(same('£/week', 'GBP per week')).toBe(true);
    expect(same('GBP/(person*week)', 'GBP/person/week')).toBe(true);
    expect(same('1/year', 'year^-1')).toBe(true);
    expect(same('home care hours per week', 'home care hour/week')).toBe(true);
  });

  test('different units stay different', () => {
    expect(same('people', 'places')).toBe(false);
    expect(same('people/year', 'people')).toBe(false);
    expect(same('GBP/week', 'GBP/year')).toBe(false);
  });

  test('dimensionless forms', () => {
    for (const u of ['1', 'dimensionless', '%', 'fraction', 'people/people']) expect(isDimensionless(parseUnits(u)), u).toBe(true);
  });

  test('arithmetic and formatting', () => {
    const rate = parseUnits('people/year');
    const time = parseUnits('year');
    expect(sameUnits(multiplyUnits(rate, time), parseUnits('people'))).toBe(true);
    expect(formatUnits(divideUnits(parseUnits('GBP'), parseUnits('person*week')))).toBe('£/(person*week)');
  });

  test('malformed units are rejected with the offending character', () => {
    expect(() => parseUnits('people/')).toThrow();
    expect(() => parseUnits('people)')).toThrow();
    expect(() => parseUnits('people{x}')).toThrow("The character '{' cannot be used in units");
  });
});
