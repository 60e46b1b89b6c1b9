/** Latin hypercube strata, tornado ranking, sweeps, correlation, failed runs and reproducibility. */
import { describe, expect, it } from 'vitest';
import { chunkRuns, planSensitivity, runChunk, runSensitivity, SensitivityAccumulator, type SensitivityPlan } from '../../engine/src/index.js';
import { pearson, ranks, spearman } from '../../engine/src/index.js';
import { normalCdf } from '../../engine/src/sensitivity/normal.js';
import { compile } from '../helpers.js';

const threeInputs = compile(`simulation
  start: 0
  stop: 4
  dt: 1
const a = 1
const b = 1
const c = 1
dimension Area: North, South
const rate[Area] = 2, 4
aux y = 1 * a + 5 * b - 2 * c
aux z = a + b
aux w = SUM(rate[*]) * TIME
`);

describe('Latin hypercube', () => {
  it('samples each stratum of each parameter exactly once', () => {
    const N = 500;
    const { result } = runSensitivity(threeInputs, {
      method: 'lhs', runs: N, seed: 5, outputs: ['y'], scatterTimes: [0],
      parameters: [
        { name: 'a', distribution: { kind: 'uniform', min: 0, max: 10 } },
        { name: 'b', distribution: { kind: 'triangular', min: 0, mode: 1, max: 2 } },
        { name: 'c', distribution: { kind: 'normal', mean: 0, sd: 1 } },
      ],
    });
    const cdf = [
      (x: number) => x / 10,
      (x: number) => (x < 1 ? x * x / 2 : 1 - (2 - x) ** 2 / 2),
      normalCdf,
    ];
    result!.scatter!.parameters.forEach((p, i) => {
      const strata = (p.values as number[]).map((x) => Math.floor(cdf[i]!(x) * N)).sort((x, y) => x - y);
      expect(strata, p.name).toEqual(Array.from({ length: N }, (_, s) => s));
    });
  });

  it('uses different strata orders for different parameters and seeds', () => {
    const run = (seed: number) => runSensitivity(threeInputs, { method: 'lhs', runs: 50, seed, outputs: ['y'], scatterTimes: [0], parameters: [{ name: 'a', distribution: { kind: 'uniform', min: 0, max: 1 } }, { name: 'b', distribution: { kind: 'uniform', min: 0, max: 1 } }] }).result!.scatter!;
    const s = run(1);
    expect(Math.abs(pearson(s.parameters[0]!.values as number[], s.parameters[1]!.values as number[])!)).toBeLessThan(0.5);
    expect(run(2).parameters[0]!.values).not.toEqual(s.parameters[0]!.values);
  });
});

describe('tornado', () => {
  it('ranks parameters by swing on a model with known sensitivities', () => {
    const { result, problems } = runSensitivity(threeInputs, {
      method: 'tornado', outputs: ['z'], tornado: { output: 'y', time: 2 },
      parameters: [{ name: 'a', low: 0, high: 2 }, { name: 'b', low: 0.5, high: 1.5 }, { name: 'c', low: -1, high: 3 }],
    });
    expect(problems).toEqual([]);
    const t = result!.tornado!;
    expect([t.output, t.time, t.base]).toEqual(['y', 2, 4]);
    // swing = |coefficient| · (high − low): a 1·2 = 2, b 5·1 = 5, c 2·4 = 8.
    expect(t.bars.map((x) => [x.rank, x.parameter, x.outputLow, x.outputHigh, x.swing])).toEqual([
      [1, 'c', 8, 0, 8],
      [2, 'b', 1.5, 6.5, 5],
      [3, 'a', 3, 5, 2],
    ]);
    expect(result!.plannedRuns).toBe(7);
  });

  it('takes low and high from a distribution (10th and 90th percentiles) and scales arrays', () => {
    const { result } = runSensitivity(threeInputs, {
      method: 'tornado', outputs: ['w'], tornado: { output: 'w' },
      parameters: [{ name: 'a', distribution: { kind: 'uniform', min: 0, max: 10 } }, { name: 'rate', scale: true, low: 0.5, high: 2 }],
    });
    const bars = result!.tornado!.bars;
    expect(bars.find((b) => b.parameter === 'a')).toMatchObject({ low: 1, high: 9, swing: 0 });
    // w = (2 + 4)·scale·TIME at TIME 4: 12 and 48.
    expect(bars[0]).toMatchObject({ parameter: 'rate', outputLow: 12, outputHigh: 48, swing: 36, rank: 1 });
  });

  it('refuses an output with several elements', () => {
    const { problems } = runSensitivity(threeInputs, { method: 'tornado', outputs: ['y'], tornado: { output: 'rate' }, parameters: [{ name: 'a', low: 0, high: 1 }] });
    expect(problems).toEqual([expect.objectContaining({ path: 'tornado.output', code: 'not-one-value' })]);
  });
});

describe('one-at-a-time sweeps', () => {
  it('sweeps each parameter with the others at base', () => {
    const { result } = runSensitivity(threeInputs, {
      method: 'oat', outputs: ['y'], times: [0, 4],
      parameters: [{ name: 'a', values: [0, 10] }, { name: 'c', range: { from: 0, to: 2, count: 3 } }],
    });
    const [a, c] = result!.sweeps!;
    expect(a!.values).toEqual([0, 10]);
    expect(a!.outputs).toEqual([
      { name: 'y', time: 0, base: 4, values: [3, 13] },
      { name: 'y', time: 4, base: 4, values: [3, 13] },
    ]);
    expect(c!.values).toEqual([0, 1, 2]);
    expect(c!.outputs[1]!.values).toEqual([6, 4, 2]);
    // Every run's series is kept for overlay plots: the base run, then each value.
    expect(result!.samples.map((s) => s.parameters)).toEqual([[null, null], [0, null], [10, null], [null, 0], [null, 1], [null, 2]]);
  });

  it('makes ranges by count or by step', () => {
    const { result } = runSensitivity(threeInputs, { method: 'oat', outputs: ['y'], parameters: [{ name: 'a', range: { from: 1, to: 2, step: 0.25 } }] });
    expect(result!.sweeps![0]!.values).toEqual([1, 1.25, 1.5, 1.75, 2]);
  });
});

describe('correlation', () => {
  it('Pearson and Spearman on hand-made data, ties sharing ranks', () => {
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 15);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 15);
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
    const xs = [1, 2, 3, 4, 5];
    expect(spearman(xs, xs.map((x) => Math.exp(3 * x)))).toBe(1);
    expect(pearson(xs, xs.map((x) => Math.exp(3 * x)))!).toBeLessThan(0.9);
  });

  it('on a linear model: y = a + b with independent a, b ~ U(0,1) has corr(a, y) = 1/√2', () => {
    const N = 5000;
    const { result } = runSensitivity(threeInputs, {
      method: 'mc', runs: N, seed: 3, outputs: ['z'], scatterTimes: [0],
      parameters: [{ name: 'a', distribution: { kind: 'uniform', min: 0, max: 1 } }, { name: 'b', distribution: { kind: 'uniform', min: 0, max: 1 } }],
    });
    const rho = Math.SQRT1_2;
    for (const c of result!.correlations) {
      expect(c).toMatchObject({ output: 'z', time: 0 });
      // SE of a sample correlation ≈ (1 − ρ²)/√N.
      expect(Math.abs(c.pearson! - rho)).toBeLessThan((4 * (1 - rho * rho)) / Math.sqrt(N));
      expect(c.spearman!).toBeGreaterThan(0.6);
    }
    expect(result!.correlations.map((c) => c.parameter)).toEqual(['a', 'b']);
  });
});

describe('runs that fail', () => {
  it('are counted, reported with their parameters, and left out of the statistics', () => {
    const model = compile('simulation\n  start: 0\n  stop: 2\n  dt: 1\nconst k = 1\naux y = 1 / (k - 2)\n');
    const { result } = runSensitivity(model, { method: 'mc', runs: 300, seed: 1, outputs: ['y'], parameters: [{ name: 'k', distribution: { kind: 'discrete', values: [1, 2, 3] } }] });
    const r = result!;
    expect(r.failedRuns + r.completedRuns).toBe(300);
    expect(r.failedRuns).toBeGreaterThan(50);
    expect(r.failures[0]).toMatchObject({ parameters: [2], message: expect.stringContaining('"y" became infinite at time 0') });
    expect(r.failures).toHaveLength(20);
    expect(r.outputs[0]!.count[0]).toBe(r.completedRuns);
    expect(new Set([r.outputs[0]!.min[0], r.outputs[0]!.max[0]])).toEqual(new Set([-1, 1]));
  });
});

describe('reproducible whatever the order chunks finish in', () => {
  const spec = {
    method: 'lhs', runs: 1000, seed: 9, chunkSize: 64, outputs: ['y', 'w'], samples: 3, scatterTimes: [4],
    parameters: [{ name: 'a', distribution: { kind: 'normal', mean: 1, sd: 0.3 } }, { name: 'rate', scale: true, distribution: { kind: 'triangular', min: 0.5, mode: 1, max: 1.2 } }],
  };
  const { plan } = planSensitivity(threeInputs, spec) as { plan: SensitivityPlan };
  const chunks = Array.from({ length: plan.chunks }, (_, c) => runChunk(threeInputs, plan, c));
  const inOrder = (order: number[]) => {
    const acc = new SensitivityAccumulator(plan);
    order.forEach((c) => acc.add(chunks[c]!));
    return acc.finish();
  };

  it('in order, reversed or interleaved (as 1, 2 or 3 workers deliver them) gives identical results', () => {
    const ids = chunks.map((_, i) => i);
    const reference = inOrder(ids);
    expect(inOrder([...ids].reverse())).toEqual(reference);
    expect(inOrder([...ids.filter((i) => i % 3 === 1), ...ids.filter((i) => i % 3 !== 1)])).toEqual(reference);
    expect(runSensitivity(threeInputs, spec).result).toEqual(reference);
    expect(reference.complete).toBe(true);
    expect(chunkRuns(plan, plan.chunks - 1)).toEqual({ first: 960, end: 1000 });
  });

  it('a cancelled analysis reports the runs it completed', () => {
    const partial = inOrder([0, 2, 5]);
    expect(partial.complete).toBe(false);
    expect(partial.completedRuns).toBe(3 * 64);
    expect(partial.scatter!.runs.slice(62, 66)).toEqual([62, 63, 128, 129]);
  });
});

describe('problems with a spec are typed and complete', () => {
  it('names every stale or wrong name against the model', () => {
    const { problems } = runSensitivity(threeInputs, {
      method: 'mc', runs: 10, outputs: ['y', 'nothing', 'rate[East]'], times: [2.5],
      parameters: [{ name: 'w', distribution: { kind: 'uniform', min: 0, max: 1 } }, { name: 'gone', distribution: { kind: 'uniform', min: 0, max: 1 } }, { name: 'a', distribution: { kind: 'uniform', min: 0, max: 1 } }, { name: 'A', distribution: { kind: 'uniform', min: 0, max: 1 } }],
    });
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['parameters[0].name', 'not-a-parameter'],
      ['parameters[1].name', 'unknown-variable'],
      ['parameters[3].name', 'duplicate'],
      ['outputs[1]', 'unknown-variable'],
      ['outputs[2]', 'unknown-element'],
      ['times[0]', 'not-a-saved-time'],
    ]);
    expect(problems.find((p) => p.code === 'not-a-saved-time')!.message).toBe('2.5 is not a saved time: runs save every 1 from 0 to 4.');
  });

  it('checks the shape of a spec that came as JSON', () => {
    const { problems } = runSensitivity(threeInputs, { method: 'bayes', outputs: [], parameters: 'a' });
    expect(problems.map((p) => p.path)).toEqual(['method', 'outputs', 'parameters']);
    const more = runSensitivity(threeInputs, { method: 'oat', runs: 5, outputs: ['y'], seed: 1.5, parameters: [{ name: 'a' }, { name: 'b', range: { from: 0, to: 1 } }] });
    expect(more.problems.map((p) => p.message)).toEqual([
      'seed must be a whole number from -2,147,483,648 to 4,294,967,295, not 1.5.',
      '"a" needs values or a range to sweep.',
      '"b": a range needs either count or step.',
      'runs applies to mc and lhs; oat makes one run per value.',
    ]);
  });
});

describe("the model's own random functions", () => {
  const noisy = compile('simulation\n  start: 0\n  stop: 3\n  dt: 1\nconst k = 0\naux x = NORMAL(0, 1) + k\n');

  it('get a fresh seed in every Monte Carlo run, derived from the seed and the run', () => {
    const N = 4000;
    const { result } = runSensitivity(noisy, { method: 'mc', runs: N, seed: 4, outputs: ['x'], parameters: [] });
    const x = result!.outputs[0]!;
    // NORMAL(0, 1) draws: mean 0 and sd 1 within 4 standard errors (SE(sd) = 1/√(2N)).
    expect(Math.abs(x.mean[0]!)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(x.sd[0]! - 1)).toBeLessThan(4 / Math.sqrt(2 * N));
    // A run's numbers depend on the seed and its index only, not on how runs are grouped in chunks.
    const samples = (chunkSize: number) => runSensitivity(noisy, { method: 'mc', runs: 50, seed: 4, chunkSize, samples: 20, outputs: ['x'], parameters: [] }).result!.samples;
    expect(samples(7)).toEqual(samples(200));
    expect(new Set(samples(7).map((s) => s.series[0]!.values[0])).size).toBe(20);
  });

  it('share the model seed across one-at-a-time runs, so differences come from the parameters', () => {
    const { result } = runSensitivity(noisy, { method: 'oat', outputs: ['x'], times: [2], parameters: [{ name: 'k', values: [1, 2] }] });
    const [base, one, two] = [result!.sweeps![0]!.outputs[0]!.base!, ...result!.sweeps![0]!.outputs[0]!.values as number[]];
    expect([one! - base, two! - base].map((d) => Math.round(d * 1e12) / 1e12)).toEqual([1, 2]);
  });
});
