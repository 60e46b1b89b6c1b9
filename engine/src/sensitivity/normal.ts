import { inverseNormal } from '../runtime/functions.js';

/**
 * The normal distribution to full double precision: truncated normal and lognormal sampling needs
 * the CDF far into the tails (a truncation at 6 standard deviations is 1e-9 of the mass), where
 * 1 − Φ(x) computed naively is all rounding error. Built from series and continued fractions, not
 * fitted coefficients, so the accuracy is that of the arithmetic.
 */

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);

/** The complementary error function erfc(x) = 1 − erf(x), accurate in relative terms for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) return 1 - erfSeries(x);
  if (x > 27) return 0; // below the smallest double
  return (Math.exp(-x * x) / SQRT_PI) * erfcContinuedFraction(x);
}

/** erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)): every term positive, no cancellation. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** 1 / (x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by the modified Lentz method. */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** 1 − Φ(z), accurate where Φ(z) is close to 1. */
export function normalUpper(z: number): number {
  return 0.5 * erfc(z / SQRT2);
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Φ⁻¹(p): Acklam's approximation (relative error 1e-9) polished by one Halley step against the
 * exact CDF, which brings it to about 1e-15.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0)) return p === 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (!(p < 1)) return p === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  const x = inverseNormal(p);
  // Refine against whichever tail is small, so p near 1 keeps its precision.
  const e = p < 0.5 ? normalCdf(x) - p : (1 - p) - normalUpper(x);
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/** Φ⁻¹(1 − q) for small q, without forming 1 − q. */
export function normalUpperQuantile(q: number): number {
  return -normalQuantile(q);
}
