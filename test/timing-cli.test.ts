import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseArgs, UsageError } from '../cli/args.js';
import { main } from '../cli/main.js';

/** `cwb run --repeat N --timing`: the JSON's shape and meaning, never its times. */
describe('cwb run --timing', () => {
  test('prints {compile_ms, run_ms_median, run_ms_min, steps, variables} instead of CSV', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cwb-timing-'));
    const file = join(dir, 'decay.cwm');
    await writeFile(file, 'simulation\n  start: 0\n  stop: 10\n  dt: 0.5\nstock S = 100\n  outflow: f\nflow f = S * k\nconst k = 0.1\n');
    let out = '';
    let err = '';
    const code = await main(['run', file, '--repeat', '5', '--timing'], (s) => (out += s), (s) => (err += s));
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, number>;
    expect(Object.keys(report)).toEqual(['compile_ms', 'run_ms_median', 'run_ms_min', 'steps', 'variables']);
    expect(report.steps).toBe(20);
    expect(report.variables).toBe(3);
    for (const key of ['compile_ms', 'run_ms_median', 'run_ms_min'] as const) expect(report[key]).toBeGreaterThanOrEqual(0);
    expect(report.run_ms_min).toBeLessThanOrEqual(report.run_ms_median!);
  });

  test('--repeat takes a whole number from 1, --timing takes no value', () => {
    expect(parseArgs(['run', 'm.cwm', '--repeat', '3', '--timing'])).toMatchObject({ repeat: 3, timing: true });
    expect(() => parseArgs(['run', 'm.cwm', '--repeat', '0'])).toThrow(UsageError);
    expect(() => parseArgs(['run', 'm.cwm', '--repeat', '2.5'])).toThrow(UsageError);
    expect(() => parseArgs(['run', 'm.cwm', '--timing=yes'])).toThrow(UsageError);
  });
});
