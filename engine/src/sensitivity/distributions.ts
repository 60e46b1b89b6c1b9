import { normalCdf, normalPdf, normalQuantile, normalUpper } from './normal.js';

/**
 * Distributions of uncertain parameters, sampled by inverting their CDF: a Monte Carlo draw and a
 * Latin hypercube stratum are both a uniform u in (0, 1) pushed through `quantile`, so every
 * method shares one definition of each distribution.
 */
export type Distribution =
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'triangular'; readonly min: number; readonly mode: number; readonly max: number }
  /** Optionally truncated to [min, max] (either bound may be left out). */
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number; readonly min?: number; readonly max?: number }
  /** `mean` and `sd` of the distribution itself (as LOGNORMAL in models), optionally truncated. */
  | { readonly kind: 'lognormal'; readonly mean: number; readonly sd: number; readonly min?: number; readonly max?: number }
  /** Values with their probabilities (which must add up to 1); equally likely when left out. */
  | { readonly kind: 'discrete'; readonly values: readonly number[]; readonly probabilities?: readonly number[] };

export type DistributionKind = Distribution['kind'];

export const DISTRIBUTION_KINDS: readonly DistributionKind[] = ['uniform', 'triangular', 'normal', 'lognormal', 'discrete'];

/** What is wrong with a distribution's parameters, worded for the user (undefined when usable). */
export function distributionProblem(d: Distribution): string | undefined {
  const finite = (...xs: unknown[]): boolean => xs.every((x) => typeof x === 'number' && Number.isFinite(x));
  const bound = (x: unknown): boolean => x === undefined || finite(x);
  switch (d.kind) {
    case 'uniform':
      if (!finite(d.min, d.max)) return 'uniform needs finite min and max.';
      return d.min < d.max ? undefined : `uniform needs min < max (got ${d.min} and ${d.max}).`;
    case 'triangular':
      if (!finite(d.min, d.mode, d.max)) return 'triangular needs finite min, mode and max.';
      if (!(d.min < d.max)) return `triangular needs min < max (got ${d.min} and ${d.max}).`;
      return d.mode >= d.min && d.mode <= d.max ? undefined : `triangular needs its mode (${d.mode}) between min and max.`;
    case 'normal':
    case 'lognormal': {
      if (!finite(d.mean, d.sd) || !bound(d.min) || !bound(d.max)) return `${d.kind} needs a finite mean and standard deviation, and finite bounds if any.`;
      if (!(d.sd > 0)) return `${d.kind} needs a standard deviation above 0 (got ${d.sd}).`;
      if (d.kind === 'lognormal' && !(d.mean > 0)) return `lognormal needs a mean above 0 (got ${d.mean}).`;
      if (d.min !== undefined && d.max !== undefined && !(d.min < d.max)) return `${d.kind} truncation needs min < max (got ${d.min} and ${d.max}).`;
      return mass(truncation(d)) > 1e-300 ? undefined : `${d.kind} truncated to [${d.min ?? '-inf'}, ${d.max ?? 'inf'}] leaves (almost) no probability: widen the bounds.`;
    }
    case 'discrete': {
      if (!Array.isArray(d.values) || d.values.length === 0 || !finite(...d.values)) return 'discrete needs at least one finite value.';
      if (d.probabilities === undefined) return undefined;
      if (!Array.isArray(d.probabilities) || d.probabilities.length !== d.values.length) return `discrete has ${d.values.length} values but ${Array.isArray(d.probabilities) ? d.probabilities.length : 'no list of'} probabilities.`;
      if (!finite(...d.probabilities) || d.probabilities.some((p) => p < 0)) return 'discrete probabilities must be numbers of at least 0.';
      const total = d.probabilities.reduce((a, b) => a + b, 0);
      return Math.abs(total - 1) <= 1e-6 ? undefined : `discrete probabilities must add up to 1, not ${round(total)}.`;
    }
    default:
      return `unknown distribution "${String((d as { kind?: unknown }).kind)}" (use ${DISTRIBUTION_KINDS.join(', ')}).`;
  }
}

/** The value with cumulative probability u (0 < u < 1). Assumes `distributionProblem(d)` is undefined. */
export function quantile(d: Distribution, u: number): number {
  switch (d.kind) {
    case 'uniform':
      return d.min + (d.max - d.min) * u;
    case 'triangular': {
      const { min: a, mode: c, max: b } = d;
      return u < (c - a) / (b - a) ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
    }
    case 'normal':
    case 'lognormal': {
      const { mu, sigma } = standardise(d);
      const z = truncatedStandardQuantile(truncation(d), u);
      const x = mu + sigma * z;
      return clamp(d.kind === 'normal' ? x : Math.exp(x), d.min, d.max);
    }
    case 'discrete': {
      const p = d.probabilities;
      if (!p) return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))]!;
      let cum = 0;
      for (let i = 0; i < p.length; i++) {
        cum += p[i]!;
        if (u < cum) return d.values[i]!;
      }
      // Rounding left a sliver above the last cumulative probability: the last value with weight.
      for (let i = p.length - 1; i >= 0; i--) if (p[i]! > 0) return d.values[i]!;
      return d.values[d.values.length - 1]!;
    }
  }
}

/** The density at x (for discrete: the probability of exactly x), for previews in forms. */
export function density(d: Distribution, x: number): number {
  switch (d.kind) {
    case 'uniform':
      return x >= d.min && x <= d.max ? 1 / (d.max - d.min) : 0;
    case 'triangular': {
      const { min: a, mode: c, max: b } = d;
      if (x < a || x > b) return 0;
      if (x < c) return (2 * (x - a)) / ((b - a) * (c - a));
      if (x > c) return (2 * (b - x)) / ((b - a) * (b - c));
      return 2 / (b - a);
    }
    case 'normal':
    case 'lognormal': {
      if ((d.min !== undefined && x < d.min) || (d.max !== undefined && x > d.max)) return 0;
      const { mu, sigma } = standardise(d);
      const m = mass(truncation(d));
      if (d.kind === 'normal') return normalPdf((x - mu) / sigma) / sigma / m;
      return x > 0 ? normalPdf((Math.log(x) - mu) / sigma) / (sigma * x) / m : 0;
    }
    case 'discrete': {
      let p = 0;
      d.values.forEach((v, i) => { if (v === x) p += d.probabilities ? d.probabilities[i]! : 1 / d.values.length; });
      return p;
    }
  }
}

export interface DistributionSummary {
  readonly mean: number;
  readonly sd: number;
  /** The 5th, 50th and 95th percentiles. */
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
  /** The smallest and largest values it can take (±Infinity when unbounded). */
  readonly min: number;
  readonly max: number;
}

/** Moments and percentiles for a form's preview, computed exactly (by quadrature for truncated ones). */
export function summarise(d: Distribution): DistributionSummary {
  const q = (p: number): number => quantile(d, p);
  const common = { p5: q(0.05), p50: q(0.5), p95: q(0.95) };
  switch (d.kind) {
    case 'uniform':
      return { ...common, mean: (d.min + d.max) / 2, sd: (d.max - d.min) / Math.sqrt(12), min: d.min, max: d.max };
    case 'triangular': {
      const { min: a, mode: c, max: b } = d;
      return { ...common, mean: (a + b + c) / 3, sd: Math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18), min: a, max: b };
    }
    case 'discrete': {
      const p = d.values.map((_, i) => d.probabilities?.[i] ?? 1 / d.values.length);
      const mean = d.values.reduce((s, v, i) => s + v * p[i]!, 0);
      const variance = d.values.reduce((s, v, i) => s + (v - mean) ** 2 * p[i]!, 0);
      return { ...common, mean, sd: Math.sqrt(variance), min: Math.min(...d.values), max: Math.max(...d.values) };
    }
    case 'normal':
    case 'lognormal': {
      const min = d.min ?? (d.kind === 'normal' ? Number.NEGATIVE_INFINITY : 0);
      const max = d.max ?? Number.POSITIVE_INFINITY;
      if (d.min === undefined && d.max === undefined) return { ...common, mean: d.mean, sd: d.sd, min, max };
      // Moments of the truncated distribution: E[g(U)] over u in (0,1), by the midpoint rule on
      // quantiles (smooth integrands, so 20,000 points give ~1e-9 relative accuracy).
      const n = 20000;
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = q((i + 0.5) / n);
        s1 += x;
        s2 += x * x;
      }
      const mean = s1 / n;
      return { ...common, mean, sd: Math.sqrt(Math.max(0, s2 / n - mean * mean)), min, max };
    }
  }
}

/** The distribution in the form the command line takes: `uniform(0.1, 0.3)`. */
export function formatDistribution(d: Distribution): string {
  const n = (x: number): string => String(x);
  switch (d.kind) {
    case 'uniform':
      return `uniform(${n(d.min)}, ${n(d.max)})`;
    case 'triangular':
      return `triangular(${n(d.min)}, ${n(d.mode)}, ${n(d.max)})`;
    case 'normal':
    case 'lognormal': {
      const bounds = d.min === undefined && d.max === undefined ? '' : `, ${d.min === undefined ? '-inf' : n(d.min)}, ${d.max === undefined ? 'inf' : n(d.max)}`;
      return `${d.kind}(${n(d.mean)}, ${n(d.sd)}${bounds})`;
    }
    case 'discrete':
      return `discrete(${d.values.map((v, i) => (d.probabilities ? `${n(v)}:${n(d.probabilities[i]!)}` : n(v))).join(', ')})`;
  }
}

// --- normal and lognormal: work in the standard normal z of x (or of ln x) ----------------------------

function standardise(d: Extract<Distribution, { kind: 'normal' | 'lognormal' }>): { mu: number; sigma: number } {
  if (d.kind === 'normal') return { mu: d.mean, sigma: d.sd };
  const sigma2 = Math.log(1 + (d.sd * d.sd) / (d.mean * d.mean));
  return { mu: Math.log(d.mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

/** The truncation bounds as standard normal z values, and Φ at each (lo, hi as CDF values). */
interface Truncation {
  readonly za: number;
  readonly zb: number;
  readonly lo: number;
  readonly hi: number;
}

function truncation(d: Extract<Distribution, { kind: 'normal' | 'lognormal' }>): Truncation {
  const { mu, sigma } = standardise(d);
  const z = (x: number | undefined, none: number): number => {
    if (x === undefined) return none;
    if (d.kind === 'lognormal') return x <= 0 ? Number.NEGATIVE_INFINITY : (Math.log(x) - mu) / sigma;
    return (x - mu) / sigma;
  };
  const za = z(d.min, Number.NEGATIVE_INFINITY);
  const zb = z(d.max, Number.POSITIVE_INFINITY);
  return { za, zb, lo: normalCdf(za), hi: normalCdf(zb) };
}

/** The probability the truncation keeps (from the upper tail when that is where it lies). */
function mass(t: Truncation): number {
  return t.za > 0 ? normalUpper(t.za) - normalUpper(t.zb) : t.hi - t.lo;
}

/**
 * z with P(za < Z < zb) split at u. In the upper tail works with 1 − Φ, so a truncation such as
 * [mean + 5 sd, ∞) keeps its precision.
 */
function truncatedStandardQuantile(t: Truncation, u: number): number {
  if (t.za === Number.NEGATIVE_INFINITY && t.zb === Number.POSITIVE_INFINITY) return normalQuantile(u);
  if (t.za > 0) {
    const qa = normalUpper(t.za);
    const qb = normalUpper(t.zb);
    return -normalQuantile(qa - u * (qa - qb));
  }
  return normalQuantile(t.lo + u * (t.hi - t.lo));
}

function clamp(x: number, min: number | undefined, max: number | undefined): number {
  if (min !== undefined && x < min) return min;
  if (max !== undefined && x > max) return max;
  return x;
}

function round(x: number): string {
  return String(Math.round(x * 1e9) / 1e9);
}
