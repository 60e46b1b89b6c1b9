/** The scenario and sensitivity panel's pure parts: the form's spec, and chart traces from real results. */
import { describe, expect, it } from 'vitest';
import { compileSource, runSensitivity, type SensitivityResult } from '../engine/src/index.js';
import { buildSpec, rowDistribution, type ParameterRow } from '../renderer/src/analysis/spec-form.js';
import { bandPairs, fanTraces, scatterTraces, spaghettiTraces, tornadoTraces } from '../renderer/src/analysis/traces.js';

// y = k·t with k drawn from U(1, 3): at t = 10, y is uniform on [10, 30].
const MODEL = compileSource(`model "k t"
simulation
  start: 0
  stop: 10
  dt: 1
const k = 2
const c = 1
aux y = k * TIME + c
`).model!;

const row = (patch: Partial<ParameterRow>): ParameterRow => ({ name: 'k', scale: false, kind: 'uniform', fields: { min: '1', max: '3' }, values: '', low: '', high: '', ...patch });

describe('the sensitivity form', () => {
  it('turns rows into the spec the engine runs, and explains incomplete rows', () => {
    expect(rowDistribution(row({}))).toEqual({ kind: 'uniform', min: 1, max: 3 });
    expect(rowDistribution(row({ kind: 'normal', fields: { mean: '5', sd: '1', min: '0' } }))).toEqual({ kind: 'normal', mean: 5, sd: 1, min: 0 });
    expect(rowDistribution(row({ kind: 'triangular', fields: { min: '1', max: '3' } }))).toBe('Give the mode.');
    expect(typeof rowDistribution(row({ fields: { min: '3', max: '1' } }))).toBe('string');
    expect(buildSpec('mc', [row({})], ['y'], 400, 7, [5, 50, 95], { output: 'y' }, 10, 10)).toEqual({
      method: 'mc', runs: 400, seed: 7, outputs: ['y'], percentiles: [5, 50, 95], samples: 10, scatterTimes: [10],
      parameters: [{ name: 'k', distribution: { kind: 'uniform', min: 1, max: 3 } }],
    });
    expect(buildSpec('oat', [row({ values: '1, 2, 4' })], ['y'], 0, 1, [50], { output: 'y' }, 0)).toMatchObject({ method: 'oat', parameters: [{ name: 'k', values: [1, 2, 4] }] });
    expect(buildSpec('mc', [row({ kind: 'triangular', fields: {} })], ['y'], 10, 1, [50], { output: 'y' }, 0)).toBe('k: Give the min.');
  });
});

describe('chart traces from a real analysis', () => {
  const spec = buildSpec('mc', [row({})], ['y'], 2000, 3, [5, 25, 50, 75, 95], { output: 'y' }, 12, 10);
  const result = runSensitivity(MODEL, spec).result as SensitivityResult;

  it('draws percentile bands outermost first around the median and mean, with values within sampling error', () => {
    expect(bandPairs([50, 5, 95, 25, 75])).toEqual([[5, 95], [25, 75]]);
    const traces = fanTraces(result, 'y');
    expect(traces.map((t) => t.name)).toEqual(['p5', '5–95th percentile', 'p25', '25–75th percentile', 'median', 'mean']);
    const at10 = (name: string) => traces.find((t) => t.name === name)!.y[10] as number;
    // y(10) ~ U(11, 31): p5 = 12, p95 = 30, median 21; standard error of a uniform quantile at N = 2000 is under 0.3.
    expect(Math.abs(at10('p5') - 12)).toBeLessThan(0.6);
    expect(Math.abs(at10('5–95th percentile') - 30)).toBeLessThan(0.6);
    expect(Math.abs(at10('median') - 21)).toBeLessThan(0.8);
    expect(Math.abs(at10('mean') - 21)).toBeLessThan(4 * (20 / Math.sqrt(12)) / Math.sqrt(2000));
    expect(traces[1]!.fill).toBe('tonexty');
  });

  it('draws the kept runs, and the parameter against the output on a straight line', () => {
    expect(spaghettiTraces(result, 'y')).toHaveLength(12);
    const [points] = scatterTraces(result, 'k', 'y', 10);
    (points!.x as number[]).forEach((k, i) => expect(points!.y[i]).toBeCloseTo(10 * k + 1, 9));
  });

  it('ranks a tornado with the largest swing on top', () => {
    const tornado = runSensitivity(MODEL, buildSpec('tornado', [row({ low: '1', high: '3' }), row({ name: 'c', low: '0', high: '2' })], ['y'], 0, 1, [50], { output: 'y', time: 10 }, 0)).result!;
    const [low, high] = tornadoTraces(tornado);
    // Plotly lists bars bottom-up: the smaller swing (c: 2) first, the larger (k: 20) last, on top.
    expect(low!.y).toEqual(['c (0 → 2)', 'k (1 → 3)']);
    expect(low!.x).toEqual([-1, -10]);
    expect(high!.x).toEqual([1, 10]);
    expect(low!.base).toEqual([21, 21]);
  });
});
