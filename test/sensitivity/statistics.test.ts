/**
 * Streaming statistics on models with known answers: output = k·t with k ~ U(a, b) has, at time t,
 * mean (a+b)/2·t, sd (b−a)/√12·t and p-th percentile (a + p(b−a))·t. Bounds are 4 standard errors
 * of the estimator for N runs: σ/√N for the mean, σ/√(2N)·(1+κ/2)^½ for the sd, √(p(1−p)/N)/f(x_p)
 * for a percentile.
 */
import { describe, expect, it } from 'vitest';
import { runSensitivity, TDigest, type SensitivityResult } from '../../engine/src/index.js';
import { addMoment, cellMoments, mergeMoments, newMoments } from '../../engine/src/sensitivity/moments.js';
import { compile } from '../helpers.js';

const linear = compile('simulation\n  start: 0\n  stop: 10\n  dt: 1\nconst k = 1\naux y = k * TIME\n');
const [A, B] = [0.1, 0.3];

function mc(runs: number, seed: number, extra: Record<string, unknown> = {}): SensitivityResult {
  const { result, problems } = runSensitivity(linear, { method: 'mc', runs, seed, outputs: ['y'], percentiles: [5, 25, 50, 75, 95], parameters: [{ name: 'k', distribution: { kind: 'uniform', min: A, max: B } }], ...extra });
  expect(problems).toEqual([]);
  return result!;
}

describe('k·t with k ~ U(0.1, 0.3)', () => {
  const N = 4000;
  const r = mc(N, 7);
  const y = r.outputs[0]!;

  it('mean and standard deviation at every time within 4 standard errors', () => {
    expect(r.times).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.completedRuns).toBe(N);
    r.times.forEach((t, j) => {
      expect(y.count[j]).toBe(N);
      if (t === 0) return expect([y.mean[j], y.sd[j]]).toEqual([0, 0]);
      const sigma = ((B - A) / Math.sqrt(12)) * t;
      expect(Math.abs(y.mean[j]! - ((A + B) / 2) * t)).toBeLessThan((4 * sigma) / Math.sqrt(N));
      // Uniform: excess kurtosis −6/5, so SE(sd) = σ·√((κ−1)/(4N)) with κ = 9/5.
      expect(Math.abs(y.sd[j]! - sigma)).toBeLessThan(4 * sigma * Math.sqrt((1.8 - 1) / (4 * N)));
      expect(y.min[j]).toBeGreaterThanOrEqual(A * t);
      expect(y.max[j]).toBeLessThanOrEqual(B * t);
    });
  });

  it('percentiles within 4 standard errors of the exact quantiles', () => {
    for (const { p, values } of y.percentiles) {
      const q = p / 100;
      const t = 10;
      const exact = (A + q * (B - A)) * t;
      const density = 1 / ((B - A) * t);
      expect(Math.abs(values[10]! - exact), `p${p}`).toBeLessThan((4 * Math.sqrt((q * (1 - q)) / N)) / density);
    }
  });

  it('the streamed statistics equal those computed from every run kept', () => {
    const kept = mc(N, 7, { scatterTimes: [10] });
    const xs = (kept.scatter!.outputs[0]!.values as number[]).slice().sort((a, b) => a - b);
    const mean = xs.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (N - 1));
    expect(y.mean[10]).toBeCloseTo(mean, 12);
    expect(y.sd[10]).toBeCloseTo(sd, 12);
    expect([y.min[10], y.max[10]]).toEqual([xs[0], xs[N - 1]]);
    // The digest's percentiles are within 0.2% of the runs of the exact (Hazen) sample quantile.
    for (const { p, values } of y.percentiles) {
      const rank = (p / 100) * N - 0.5;
      const exact = xs[Math.floor(rank)]! + (rank % 1) * (xs[Math.ceil(rank)]! - xs[Math.floor(rank)]!);
      const tolerance = xs[Math.min(N - 1, Math.ceil(rank + 0.002 * N))]! - xs[Math.max(0, Math.floor(rank - 0.002 * N))]!;
      expect(Math.abs(values[10]! - exact), `p${p}`).toBeLessThanOrEqual(tolerance);
    }
  });

  it('the same seed gives the same numbers; another seed other numbers', () => {
    expect(mc(500, 7)).toEqual(mc(500, 7));
    expect(mc(500, 8).outputs[0]!.mean[10]).not.toBe(mc(500, 7).outputs[0]!.mean[10]);
  });

  it('reports only the times asked for, and any percentile', () => {
    const few = mc(300, 2, { times: [5, 10], percentiles: [1, 50, 99.5] });
    expect(few.times).toEqual([5, 10]);
    expect(few.outputs[0]!.percentiles.map((p) => p.p)).toEqual([1, 50, 99.5]);
    expect(few.outputs[0]!.mean).toHaveLength(2);
  });
});

describe('t-digest', () => {
  it('is exact (Hazen) while every value is its own centroid', () => {
    const d = new TDigest();
    [5, 1, 4, 2, 3].forEach((x) => d.add(x));
    expect([0, 0.1, 0.3, 0.5, 0.9, 1].map((q) => d.quantile(q))).toEqual([1, 1, 2, 3, 5, 5]);
    expect(d.quantile(0.2)).toBeCloseTo(1.5, 15);
  });

  it('estimates percentiles of 200,000 values to a small rank error, tails tighter', () => {
    const d = new TDigest(100);
    const n = 200_000;
    // A deterministic shuffle of 0…n−1: value i has rank i exactly.
    for (let i = 0; i < n; i++) d.add((i * 7919) % n);
    for (const q of [0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999]) {
      const rankError = Math.abs(d.quantile(q) - q * n) / n;
      expect(rankError, `q = ${q}`).toBeLessThan(Math.min(0.002, 0.05 * Math.sqrt(q * (1 - q))));
    }
    expect([d.quantile(0), d.quantile(1)]).toEqual([0, n - 1]);
  });

  it('merging digests of parts gives nearly the digest of the whole, and the same merges give the same digest', () => {
    const parts = Array.from({ length: 50 }, (_, c) => {
      const d = new TDigest();
      for (let i = 0; i < 1000; i++) d.add(Math.sin(c * 1000 + i) * 100);
      return d.state();
    });
    const merged = () => {
      const all = new TDigest();
      parts.forEach((p) => all.merge(p));
      return all;
    };
    const whole = new TDigest();
    for (let c = 0; c < 50; c++) for (let i = 0; i < 1000; i++) whole.add(Math.sin(c * 1000 + i) * 100);
    for (const q of [0.05, 0.5, 0.95]) expect(Math.abs(merged().quantile(q) - whole.quantile(q))).toBeLessThan(0.5);
    expect(merged().state()).toEqual(merged().state());
    expect(merged().count).toBe(50_000);
  });
});

describe('moments', () => {
  it('merging parts (Chan) equals adding every value (Welford)', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => 1e6 + Math.cos(i));
    const whole = newMoments(1);
    xs.forEach((x) => addMoment(whole, 0, x));
    const merged = newMoments(1);
    for (let c = 0; c < 10; c++) {
      const part = newMoments(1);
      xs.slice(c * 100, c * 100 + 100).forEach((x) => addMoment(part, 0, x));
      mergeMoments(merged, part);
    }
    const a = cellMoments(whole, 0);
    const b = cellMoments(merged, 0);
    expect(b.count).toBe(1000);
    expect(b.mean).toBeCloseTo(a.mean!, 8);
    expect(b.sd! / a.sd!).toBeCloseTo(1, 10);
    expect([b.min, b.max]).toEqual([a.min, a.max]);
    expect(cellMoments(newMoments(1), 0)).toEqual({ count: 0, mean: null, sd: null, min: null, max: null });
  });
});
