/**
 * Vensim's bounded random distributions (RANDOM NORMAL, EXPONENTIAL, POISSON, LOGNORMAL,
 * TRIANGULAR), by inverting the distribution's CDF on [min, max]: one uniform draw u gives one
 * number of the distribution truncated to the bounds (not clipped: no pile-up at min or max).
 */
import { inverseNormal } from './functions.js';

const clamp = (x: number, min: number, max: number): number => (x < min ? min : x > max ? max : x);

/** The part of the CDF's range [lo, hi] that u stands for. */
const within = (u: number, lo: number, hi: number): number => lo + u * (hi - lo);

/** erfc(x), W. J. Cody's rational approximations as in Numerical Recipes (relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** The standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Normal with this mean and standard deviation, truncated to [min, max]. */
export function randTruncNormal(u: number, min: number, max: number, mean: number, sd: number): number {
  if (!(sd > 0)) return clamp(mean, min, max);
  const lo = normalCdf((min - mean) / sd);
  const hi = normalCdf((max - mean) / sd);
  if (!(hi > lo)) return clamp(mean, min, max);
  const p = within(u, lo, hi);
  return clamp(mean + sd * inverseNormal(Math.min(Math.max(p, 1e-300), 1 - 1e-16)), min, max);
}

/** shift + stretch · X, X exponential with mean 1, truncated to [min, max]. */
export function randTruncExponential(u: number, min: number, max: number, shift: number, stretch: number): number {
  if (!(stretch > 0)) return clamp(shift, min, max);
  const cdf = (y: number): number => (y <= shift ? 0 : 1 - Math.exp(-(y - shift) / stretch));
  const lo = cdf(min);
  const hi = cdf(max);
  if (!(hi > lo)) return clamp(shift, min, max);
  return clamp(shift - stretch * Math.log(1 - within(u, lo, hi)), min, max);
}

/** shift + stretch · K, K Poisson with this mean, truncated to [min, max]. */
export function randTruncPoisson(u: number, min: number, max: number, mean: number, shift: number, stretch: number): number {
  if (!(stretch > 0) || !(mean > 0)) return clamp(shift, min, max);
  const kLo = Math.max(0, Math.ceil((min - shift) / stretch));
  const kHi = Math.floor((max - shift) / stretch);
  if (kHi < kLo) return clamp(shift, min, max);
  if (mean > 700) return clamp(shift + stretch * Math.round(mean + Math.sqrt(mean) * inverseNormal(u)), min, max);
  // P(K ≤ k) for k = 0, 1, …: the draw is the first k ≥ kLo whose CDF reaches the share of [F(kLo − 1), F(kHi)] u stands for.
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const below = (): number => (kLo === 0 ? 0 : cdfAt(kLo - 1, mean));
  const top = Number.isFinite(kHi) ? cdfAt(kHi, mean) : 1;
  const target = within(u, below(), top);
  while ((k < kLo || cdf < target) && k < kHi && k < 100000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return shift + stretch * Math.max(k, kLo);
}

function cdfAt(k: number, mean: number): number {
  let p = Math.exp(-mean);
  let cdf = p;
  for (let i = 1; i <= k && i < 100000; i++) {
    p *= mean / i;
    cdf += p;
  }
  return cdf;
}

/** shift + stretch · X, X log-normal with this mean and standard deviation (of X itself), truncated to [min, max]. */
export function randTruncLognormal(u: number, min: number, max: number, mean: number, sd: number, shift: number, stretch: number): number {
  if (!(mean > 0) || !(sd > 0) || !(stretch > 0)) return clamp(shift + stretch * mean, min, max);
  const sigma = Math.sqrt(Math.log(1 + (sd * sd) / (mean * mean)));
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const cdf = (y: number): number => (y <= shift ? 0 : normalCdf((Math.log((y - shift) / stretch) - mu) / sigma));
  const lo = cdf(min);
  const hi = max === Number.POSITIVE_INFINITY ? 1 : cdf(max);
  if (!(hi > lo)) return clamp(shift + stretch * mean, min, max);
  const p = Math.min(Math.max(within(u, lo, hi), 1e-300), 1 - 1e-16);
  return clamp(shift + stretch * Math.exp(mu + sigma * inverseNormal(p)), min, max);
}

/** Triangular from start through peak to end, truncated to [min, max]. */
export function randTriangular(u: number, min: number, max: number, start: number, peak: number, end: number): number {
  if (!(end > start) || peak < start || peak > end) return clamp(peak, min, max);
  const width = end - start;
  const cdf = (x: number): number => {
    if (x <= start) return 0;
    if (x >= end) return 1;
    return x <= peak ? ((x - start) * (x - start)) / (width * (peak - start)) : 1 - ((end - x) * (end - x)) / (width * (end - peak));
  };
  const lo = cdf(min);
  const hi = cdf(max);
  if (!(hi > lo)) return clamp(peak, min, max);
  const p = within(u, lo, hi);
  const atPeak = (peak - start) / width;
  const x = p < atPeak ? start + Math.sqrt(p * width * (peak - start)) : end - Math.sqrt((1 - p) * width * (end - peak));
  return clamp(x, min, max);
}
