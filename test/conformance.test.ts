import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { parseCanonical, runConformance, withinTolerance } from '../cli/conformance.js';

describe('conformance suite (../shared/test-models)', () => {
  test('every model passes except those listed, with their reasons, in test/conformance-expectations.json', async () => {
    const expectations = JSON.parse(await readFile('test/conformance-expectations.json', 'utf8')) as { failures: Record<string, string> };
    const report = await runConformance('../shared/test-models', expectations.failures);
    expect(report.surprises).toEqual([]);
    expect(report.rows.filter((r) => r.format === 'xmile' && r.status === 'pass').length).toBeGreaterThanOrEqual(69);
    expect(report.summary).toMatch(/^conformance: xmile \d+\/\d+ passed, mdl \d+\/\d+ passed$/);
  }, 300_000);

  test('tolerance and canonical file parsing', () => {
    expect(withinTolerance(1000.9, 1000)).toBe(true);
    expect(withinTolerance(1001.1, 1000)).toBe(false);
    expect(withinTolerance(1e-7, 0)).toBe(true);
    expect(withinTolerance(2e-6, 0)).toBe(false);
    const tab = parseCanonical('Time\tx\ty\r0\t1\t2\r1\t\t3\r', '\t');
    expect(tab.columns).toEqual(['Time', 'x', 'y']);
    expect(tab.rows[1]![1]).toBeNaN();
    expect(parseCanonical('Time,"a[x,y]"\n0,5\n', ',').columns).toEqual(['Time', 'a[x,y]']);
  });
});
