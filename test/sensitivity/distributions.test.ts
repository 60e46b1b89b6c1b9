/**
 * Parameter distributions: the normal functions to full precision, and the sampler's moments
 * against the analytic ones, within 4 standard errors estimated from the sample itself.
 */
import { describe, expect, it } from 'vitest';
import { distributionProblem, quantile, runSensitivity, summarise, type Distribution } from '../../engine/src/index.js';
import { erfc, normalCdf, normalQuantile, normalUpper } from '../../engine/src/sensitivity/normal.js';
import { compile } from '../helpers.js';

const N = 20_000;
/** output = the parameter itself, so the sample is exactly the draws. */
const identity = compile('simulation\n  start: 0\n  stop: 1\nconst k = 1\naux y = k\n');

function draws(distribution: Distribution, method: 'mc' | 'lhs' = 'mc', runs = N, seed = 11): number[] {
  const { result, problems } = runSensitivity(identity, { method, runs, seed, outputs: ['y'], scatterTimes: [0], parameters: [{ name: 'k', distribution }] });
  expect(problems).toEqual([]);
  return result!.scatter!.parameters[0]!.values as number[];
}

/** Sample mean and variance with their standard errors (SE of the variance from the 4th moment). */
function moments(xs: readonly number[]): { mean: number; seMean: number; variance: number; seVariance: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const m2 = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
  const m4 = xs.reduce((a, x) => a + (x - mean) ** 4, 0) / n;
  return { mean, seMean: Math.sqrt(m2 / n), variance: m2, seVariance: Math.sqrt((m4 - m2 * m2) / n) };
}

function expectMoments(xs: readonly number[], mean: number, sd: number): void {
  const m = moments(xs);
  expect(Math.abs(m.mean - mean), `mean ${m.mean} vs ${mean}`).toBeLessThan(4 * m.seMean);
  expect(Math.abs(m.variance - sd * sd), `variance ${m.variance} vs ${sd * sd}`).toBeLessThan(4 * m.seVariance);
}

const phi = (z: number): number => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);

describe('the normal distribution to full precision', () => {
  it('erfc and Φ match published values, deep in the tails too', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 15);
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 15);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 13);
    expect(erfc(5) / 1.537459794428035e-12).toBeCloseTo(1, 12);
    expect(normalCdf(-6) / 9.865876450376946e-10).toBeCloseTo(1, 12);
    expect(normalUpper(8) / 6.22096057427178e-16).toBeCloseTo(1, 11);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
  });

  it('Φ⁻¹ inverts Φ to about 1e-14, for p near 0 and near 1', () => {
    for (const p of [1e-300, 1e-12, 1e-6, 0.01, 0.3, 0.5, 0.77, 0.999, 1 - 1e-10]) {
      const z = normalQuantile(p);
      const back = p < 0.5 ? normalCdf(z) : 1 - normalUpper(z);
      expect(Math.abs(back - p) / Math.min(p, 1 - p), `p = ${p}`).toBeLessThan(1e-12);
    }
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
  });
});

describe('sampled moments match the distributions', () => {
  it('uniform and triangular', () => {
    expectMoments(draws({ kind: 'uniform', min: 2, max: 5 }), 3.5, 3 / Math.sqrt(12));
    const [a, c, b] = [1, 2, 6];
    const tri = draws({ kind: 'triangular', min: a, mode: c, max: b });
    expectMoments(tri, (a + b + c) / 3, Math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18));
    expect(Math.min(...tri)).toBeGreaterThanOrEqual(a);
    expect(Math.max(...tri)).toBeLessThanOrEqual(b);
  });

  it('normal and lognormal (mean and sd of the distribution itself, as LOGNORMAL in models)', () => {
    expectMoments(draws({ kind: 'normal', mean: 10, sd: 2 }), 10, 2);
    expectMoments(draws({ kind: 'lognormal', mean: 10, sd: 3 }), 10, 3);
  });

  it('a truncated normal has the truncated moments and stays inside its bounds', () => {
    const [mu, sigma, lo, hi] = [10, 2, 9, 15];
    const [al, be] = [(lo - mu) / sigma, (hi - mu) / sigma];
    const z = normalCdf(be) - normalCdf(al);
    const mean = mu + sigma * (phi(al) - phi(be)) / z;
    const variance = sigma ** 2 * (1 + (al * phi(al) - be * phi(be)) / z - ((phi(al) - phi(be)) / z) ** 2);
    const xs = draws({ kind: 'normal', mean: mu, sd: sigma, min: lo, max: hi });
    expectMoments(xs, mean, Math.sqrt(variance));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(lo);
    expect(Math.max(...xs)).toBeLessThanOrEqual(hi);
    // The preview's moments (by quadrature) agree with the formulas.
    expect(summarise({ kind: 'normal', mean: mu, sd: sigma, min: lo, max: hi }).mean).toBeCloseTo(mean, 6);
    expect(summarise({ kind: 'normal', mean: mu, sd: sigma, min: lo, max: hi }).sd).toBeCloseTo(Math.sqrt(variance), 6);
  });

  it('a normal truncated far in its upper tail keeps its precision', () => {
    const xs = draws({ kind: 'normal', mean: 0, sd: 1, min: 7 }, 'mc', 2000);
    // Beyond 7 sd the tail is nearly exponential with rate 7: mean ≈ 7 + 1/7.
    const mean = phi(7) / normalUpper(7);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(7);
    expectMoments(xs, mean, Math.sqrt(1 + 7 * mean - mean * mean));
  });

  it('a truncated lognormal has the analytic truncated mean', () => {
    const [m, s, lo, hi] = [10, 4, 6, 14];
    const sigma2 = Math.log(1 + (s * s) / (m * m));
    const [mu, sigma] = [Math.log(m) - sigma2 / 2, Math.sqrt(sigma2)];
    const za = (Math.log(lo) - mu) / sigma;
    const zb = (Math.log(hi) - mu) / sigma;
    const mean = Math.exp(mu + sigma2 / 2) * (normalCdf(zb - sigma) - normalCdf(za - sigma)) / (normalCdf(zb) - normalCdf(za));
    const secondMoment = Math.exp(2 * mu + 2 * sigma2) * (normalCdf(zb - 2 * sigma) - normalCdf(za - 2 * sigma)) / (normalCdf(zb) - normalCdf(za));
    const xs = draws({ kind: 'lognormal', mean: m, sd: s, min: lo, max: hi });
    expectMoments(xs, mean, Math.sqrt(secondMoment - mean * mean));
    expect(summarise({ kind: 'lognormal', mean: m, sd: s, min: lo, max: hi }).mean).toBeCloseTo(mean, 6);
  });

  it('discrete values come up with their probabilities', () => {
    const values = [1, 2, 5];
    const probabilities = [0.2, 0.5, 0.3];
    const xs = draws({ kind: 'discrete', values, probabilities });
    values.forEach((v, i) => {
      const p = probabilities[i]!;
      const share = xs.filter((x) => x === v).length / xs.length;
      expect(Math.abs(share - p), `share of ${v}`).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / xs.length));
    });
    expect(xs.every((x) => values.includes(x))).toBe(true);
    const mean = 1 * 0.2 + 2 * 0.5 + 5 * 0.3;
    expectMoments(xs, mean, Math.sqrt(0.2 * 1 + 0.5 * 4 + 0.3 * 25 - mean * mean));
    // Equally likely when no probabilities are given.
    const even = draws({ kind: 'discrete', values: [3, 4] }, 'mc', 4000);
    expect(Math.abs(even.filter((x) => x === 3).length / 4000 - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / 4000));
  });

  it('quantiles are the inverse CDFs', () => {
    expect(quantile({ kind: 'uniform', min: 0, max: 10 }, 0.25)).toBe(2.5);
    expect(quantile({ kind: 'triangular', min: 0, mode: 0, max: 1 }, 0.75)).toBeCloseTo(0.5, 15);
    expect(quantile({ kind: 'normal', mean: 5, sd: 2 }, 0.975)).toBeCloseTo(5 + 2 * 1.959963984540054, 12);
    expect(quantile({ kind: 'lognormal', mean: Math.exp(0.5), sd: Math.sqrt((Math.E - 1) * Math.E) }, 0.5)).toBeCloseTo(1, 12);
  });
});

describe('bad distributions are named', () => {
  it('flags impossible parameters', () => {
    expect(distributionProblem({ kind: 'uniform', min: 3, max: 1 })).toMatch(/min < max/);
    expect(distributionProblem({ kind: 'triangular', min: 0, mode: 5, max: 1 })).toMatch(/mode \(5\) between/);
    expect(distributionProblem({ kind: 'normal', mean: 0, sd: -1 })).toMatch(/above 0/);
    expect(distributionProblem({ kind: 'lognormal', mean: -1, sd: 1 })).toMatch(/mean above 0/);
    expect(distributionProblem({ kind: 'normal', mean: 0, sd: 1, min: 60 })).toMatch(/no probability/);
    expect(distributionProblem({ kind: 'discrete', values: [1, 2], probabilities: [0.3, 0.3] })).toMatch(/add up to 1, not 0.6/);
    expect(distributionProblem({ kind: 'discrete', values: [] })).toMatch(/at least one/);
    expect(distributionProblem({ kind: 'beta' } as unknown as Distribution)).toMatch(/unknown distribution "beta"/);
    expect(distributionProblem({ kind: 'normal', mean: 0, sd: 1, min: -2, max: 2 })).toBeUndefined();
  });
});
