/**
 * Vensim's bounded random distributions: each inverts its CDF on [min, max], so a uniform draw u
 * maps to a known number (worked out by hand below), and draws never leave the bounds.
 */
import { describe, expect, test } from 'vitest';
import { compileSource, formatDiagnostic, importVensim, compileAst, simulate, printModel } from '../engine/src/index.js';
import { randTriangular, randTruncExponential, randTruncLognormal, randTruncNormal, randTruncPoisson } from '../engine/src/runtime/truncated.js';
import { betaI, gammaP, randLookup, randTruncBeta, randTruncBinomial, randTruncGamma, randTruncNegativeBinomial, randTruncWeibull } from '../engine/src/runtime/truncated-more.js';

describe('truncated distributions from one uniform draw', () => {
  test('normal: the median, and the median of the upper half', () => {
    expect(randTruncNormal(0.5, -Infinity, Infinity, 3, 2)).toBeCloseTo(3, 6);
    // Φ⁻¹(0.75) = 0.6744898
    expect(randTruncNormal(0.5, 0, Infinity, 0, 1)).toBeCloseTo(0.6744898, 6);
    expect(randTruncNormal(0.999999, -1, 1, 0, 1)).toBeLessThanOrEqual(1);
  });

  test('exponential: ln 2 at the median; on [0, 1] the median is −ln(1 − (1 − e⁻¹)/2)', () => {
    expect(randTruncExponential(0.5, 0, Infinity, 0, 1)).toBeCloseTo(Math.LN2, 7);
    expect(randTruncExponential(0.5, 0, 1, 0, 1)).toBeCloseTo(0.3798854, 6);
    // shift 10, stretch 2: 10 + 2 ln 2
    expect(randTruncExponential(0.5, 0, Infinity, 10, 2)).toBeCloseTo(10 + 2 * Math.LN2, 7);
  });

  test('Poisson of mean 2: P(0..2) = 0.1353, 0.4060, 0.6767, P(≤3) = 0.8571', () => {
    expect(randTruncPoisson(0.5, 0, Infinity, 2, 0, 1)).toBe(2);
    // at least 3: u = 0.5 of [0.6767, 1] is 0.8383, reached at k = 3
    expect(randTruncPoisson(0.5, 3, Infinity, 2, 0, 1)).toBe(3);
    // shift 1, stretch 10: 1 + 10 k
    expect(randTruncPoisson(0.5, 0, Infinity, 2, 1, 10)).toBe(21);
    expect(randTruncPoisson(0.99, 0, 1, 2, 0, 1)).toBe(1);
  });

  test('triangular and log-normal', () => {
    expect(randTriangular(0.5, -Infinity, Infinity, 0, 1, 2)).toBe(1);
    // F(x) = x² / 2 below the peak: u = 0.125 is x = 0.5
    expect(randTriangular(0.125, -Infinity, Infinity, 0, 1, 2)).toBeCloseTo(0.5, 12);
    // median of a log-normal is exp(mu): mean 1, sd 1 gives sigma² = ln 2, mu = −ln 2 / 2
    expect(randTruncLognormal(0.5, 0, Infinity, 1, 1, 0, 1)).toBeCloseTo(Math.exp(-Math.LN2 / 2), 6);
  });
});

describe('gamma, beta, Weibull, binomial and negative binomial', () => {
  test('the incomplete gamma and beta functions', () => {
    // P(3, 5) = 1 − e⁻⁵ (1 + 5 + 12.5); I₀.₄(2, 3) = Σ_{j≥2} C(4, j) 0.4ʲ 0.6⁴⁻ʲ = 0.5248; I₀.₃(½, ½) = (2/π) asin √0.3
    expect(gammaP(3, 5)).toBeCloseTo(1 - Math.exp(-5) * 18.5, 12);
    expect(gammaP(2, 10)).toBeCloseTo(1 - Math.exp(-10) * 11, 12);
    expect(betaI(2, 3, 0.4)).toBeCloseTo(0.5248, 12);
    expect(betaI(0.5, 0.5, 0.3)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(0.3)), 10);
  });

  test('medians and bounds worked out by hand', () => {
    // gamma of order 1 is the exponential: median ln 2; order 2 has CDF 1 − e⁻ˣ(1 + x)
    expect(randTruncGamma(0.5, 0, Infinity, 1, 0, 1)).toBeCloseTo(Math.LN2, 9);
    const g2 = randTruncGamma(0.5, 0, Infinity, 2, 0, 1);
    expect(1 - Math.exp(-g2) * (1 + g2)).toBeCloseTo(0.5, 9);
    // beta(2, 2) is symmetric about 0.5; stretched by 10 and shifted by 1
    expect(randTruncBeta(0.5, -Infinity, Infinity, 2, 2, 1, 10)).toBeCloseTo(6, 9);
    // Weibull of shape 1 and mean 1 is the exponential
    expect(randTruncWeibull(0.5, 0, Infinity, 1, 0, 1)).toBeCloseTo(Math.LN2, 9);
    // binomial(4, ½): P(≤1) = 5/16, P(≤2) = 11/16; at least 3: P(3 | ≥3) = 4/5
    expect(randTruncBinomial(0.5, -Infinity, Infinity, 0.5, 4, 0, 1)).toBe(2);
    expect(randTruncBinomial(0.5, 3, Infinity, 0.5, 4, 0, 1)).toBe(3);
    expect(randTruncBinomial(0.9, 3, Infinity, 0.5, 4, 0, 1)).toBe(4);
    // tries until the 2nd success with p = ½: P(2) = ¼, P(3) = ¼, P(4) = 3/16
    expect(randTruncNegativeBinomial(0.2, -Infinity, Infinity, 0.5, 2, 0, 1)).toBe(2);
    expect(randTruncNegativeBinomial(0.45, -Infinity, Infinity, 0.5, 2, 0, 1)).toBe(3);
    expect(randTruncNegativeBinomial(0.6, -Infinity, Infinity, 0.5, 2, 0, 1)).toBe(4);
  });
});

describe('RANDOM_LOOKUP: a density given by a table', () => {
  const f = (xs: number[], ys: number[]) => [Float64Array.from(xs), Float64Array.from(ys)] as const;
  test('uniform and triangular densities, shifted, stretched and truncated', () => {
    const [ux, uy] = f([0, 1], [1, 1]);
    expect(randLookup(0.25, ux, uy, -Infinity, Infinity, 0, 1)).toBeCloseTo(0.25, 12);
    expect(randLookup(0.25, ux, uy, -Infinity, Infinity, 10, 2)).toBeCloseTo(10.5, 12);
    // truncated to [0.5, 1]: u = ½ is 0.75
    expect(randLookup(0.5, ux, uy, 0.5, Infinity, 0, 1)).toBeCloseTo(0.75, 12);
    const [tx, ty] = f([0, 1, 2], [0, 1, 0]);
    expect(randLookup(0.5, tx, ty, -Infinity, Infinity, 0, 1)).toBeCloseTo(1, 12);
    // CDF x²/2 below the peak: u = 1/8 is x = ½
    expect(randLookup(0.125, tx, ty, -Infinity, Infinity, 0, 1)).toBeCloseTo(0.5, 12);
  });

  test('in a model and from Vensim', () => {
    const c = compileSource(`simulation\n  start: 0\n  stop: 1\ngraph density\n  points: (0, 1), (1, 1)\naux draw = RANDOM_LOOKUP(density, 0, 100, 10, 2, 5)\n`, 'r.cwm');
    expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    for (const v of simulate(c.model!).series[0]!.values) expect(v >= 10 && v <= 12).toBe(true);
    const read = importVensim(`{UTF-8}\ndensity((0,1),(1,1)) ~~|\ndraw = RANDOM LOOKUP(density, 0, 100, 10, 2, 5) ~~|\n********************************************************\n\t.Control\n********************************************************~\n\t|\nFINAL TIME = 1 ~~|\nINITIAL TIME = 0 ~~|\nTIME STEP = 1 ~~|\nSAVEPER = 1 ~~|\n`, 'r.mdl');
    expect(printModel(read.ast)).toContain('aux draw = RANDOM_LOOKUP(density, 0, 100, 10, 2, 5)');
    expect(compileSource('simulation\n  start: 0\n  stop: 1\naux x = RANDOM_LOOKUP(3, 0, 1, 0, 1)\n', 'r.cwm').diagnostics.map((d) => d.message)).toEqual(['The first argument of RANDOM_LOOKUP must be the name of a graph (its table is the density).']);
  });
});

describe('in models', () => {
  test('draws stay within their bounds and have about the right mean', () => {
    const names = Array.from({ length: 2000 }, (_, i) => i + 1).join(', ');
    const c = compileSource(`simulation\n  start: 0\n  stop: 1\ndimension N: ${names}\naux z[N] = RANDOM_NORMAL(-1, 2, 0, 1)\naux e[N] = RANDOM_EXPONENTIAL(0, 100, 5, 2, 7)\naux k[N] = RANDOM_POISSON(1, 100, 3, 0, 1)\naux t[N] = RANDOM_TRIANGULAR(0, 10, 0, 5, 10)\naux g[N] = RANDOM_GAMMA(0, 100, 3, 0, 1)\naux b[N] = RANDOM_BINOMIAL(0, 100, 0.3, 10, 0, 1)\n`, 'r.cwm');
    expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const r = simulate(c.model!);
    const values = (p: string) => r.series.filter((s) => s.name.startsWith(`${p}[`)).map((s) => s.values[0]!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const z = values('z');
    expect(Math.min(...z)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...z)).toBeLessThanOrEqual(2);
    // mean of N(0,1) on [-1, 2]: (φ(-1) − φ(2)) / (Φ(2) − Φ(-1)) = (0.24197 − 0.05399) / 0.81859 = 0.2296
    expect(mean(z)).toBeCloseTo(0.2296, 1);
    const e = values('e');
    expect(Math.min(...e)).toBeGreaterThanOrEqual(5);
    expect(mean(e)).toBeCloseTo(7, 0);
    const k = values('k');
    expect(k.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
    // E[K | K ≥ 1] = 3 / (1 − e⁻³) = 3.157
    expect(mean(k)).toBeCloseTo(3.157, 0);
    expect(mean(values('t'))).toBeCloseTo(5, 0);
    expect(mean(values('g'))).toBeCloseTo(3, 0);
    expect(mean(values('b'))).toBeCloseTo(3, 0);
  });

  test('Vensim RANDOM NORMAL, EXPONENTIAL, POISSON, LOGNORMAL and TRIANGULAR keep their arguments', () => {
    const mdl = `{UTF-8}\na = RANDOM NORMAL(0, 10, 5, 1, 3) ~~|\nb = RANDOM EXPONENTIAL(0, 10, 1, 2, 3) ~~|\nc = RANDOM POISSON(0, 10, 2, 0, 1, 3) ~~|\nd = RANDOM LOGNORMAL(0, 10, 2, 1, 0, 1, 3) ~~|\ne = RANDOM TRIANGULAR(0, 10, 1, 2, 4, 3) ~~|\nf = RANDOM GAMMA(0, 10, 2, 0, 1, 3) ~~|\ng = RANDOM BETA(0, 10, 2, 3, 0, 10, 3) ~~|\nh = RANDOM WEIBULL(0, 10, 2, 0, 1, 3) ~~|\ni = RANDOM BINOMIAL(0, 10, 0.5, 8, 0, 1, 3) ~~|\nj = RANDOM NEGATIVE BINOMIAL(0, 10, 0.5, 2, 0, 1, 3) ~~|\n********************************************************\n\t.Control\n********************************************************~\n\t|\nFINAL TIME = 3 ~~|\nINITIAL TIME = 0 ~~|\nTIME STEP = 1 ~~|\nSAVEPER = 1 ~~|\n`;
    const read = importVensim(mdl, 'r.mdl');
    const c = compileAst(read.ast, read.diagnostics);
    expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(printModel(read.ast)).toContain('aux a = RANDOM_NORMAL(0, 10, 5, 1, 3)');
    const r = simulate(c.model!);
    for (const s of r.series.filter((x) => x.name.length === 1)) for (const v of s.values) expect(v >= 0 && v <= 10, s.name).toBe(true);
  });

  test('Vensim RANDOM PINK NOISE: correlated noise with the mean and standard deviation asked for', () => {
    const mdl = `{UTF-8}\nnoise = RANDOM PINK NOISE(5, 2, 4, 11) ~~|\n********************************************************\n\t.Control\n********************************************************~\n\t|\nFINAL TIME = 4000 ~~|\nINITIAL TIME = 0 ~~|\nTIME STEP = 0.25 ~~|\nSAVEPER = TIME STEP ~~|\n`;
    const read = importVensim(mdl, 'r.mdl');
    const c = compileAst(read.ast, read.diagnostics);
    expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const v = Array.from(simulate(c.model!).series.find((s) => s.name === 'noise')!.values);
    expect(v[0]).toBe(5);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    // with Euler the smoothed noise's variance is sd² · 2 / (2 − DT/time) = 4 · 1.032
    expect(Math.abs(mean - 5)).toBeLessThan(0.25);
    expect(Math.abs(sd - 2 * Math.sqrt(2 / (2 - 0.25 / 4)))).toBeLessThan(0.25);
    // one step to the next is strongly correlated (1 − DT/time = 0.94)
    const lag = v.slice(1).reduce((a, b, i) => a + (b - mean) * (v[i]! - mean), 0) / (v.length * sd * sd);
    expect(lag).toBeGreaterThan(0.85);
  });
});
