/**
 * More of Vensim's bounded random distributions: GAMMA, BETA, WEIBULL, BINOMIAL and NEGATIVE
 * BINOMIAL. Each is shift + stretch · X, X drawn from the standard distribution truncated so that
 * the result lies in [min, max], by inverting X's CDF at the share of [F(a), F(b)] that u stands for.
 */

const clamp = (x: number, min: number, max: number): number => (x < min ? min : x > max ? max : x);

/** ln Γ(x) for x > 0 (Lanczos, g = 7, about 15 digits). */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const TINY = 1e-300;
const fix = (v: number): number => (Math.abs(v) < TINY ? TINY : v);

/** The regularized lower incomplete gamma function P(a, x): series below a + 1, continued fraction above (Lentz). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.min(1, sum * front);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = 1 / fix(an * d + b);
    c = fix(b + an / c);
    h *= d * c;
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return Math.max(0, 1 - front * h);
}

/** The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz). */
export function betaI(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - betaI(b, a, 1 - x);
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  let c = 1;
  let d = 1 / fix(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m < 1000; m++) {
    const even = (m * (b - m) * x) / ((a - 1 + 2 * m) * (a + 2 * m));
    d = 1 / fix(1 + even * d);
    c = fix(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 1 + 2 * m));
    d = 1 / fix(1 + odd * d);
    c = fix(1 + odd / c);
    h *= d * c;
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return (front * h) / a;
}

/** Bisection on a CDF: the x in [lo, hi] with cdf(x) = p (cdf increasing). */
function invert(cdf: (x: number) => number, p: number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo), Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A continuous X on [0, top] (top may be infinite) with this CDF, shifted, stretched and truncated. */
function continuous(u: number, min: number, max: number, shift: number, stretch: number, cdf: (x: number) => number, top: number): number {
  if (!(stretch > 0)) return clamp(shift, min, max);
  const a = Math.max(0, (min - shift) / stretch);
  let b = Math.min(top, (max - shift) / stretch);
  if (!(b > a)) return clamp(shift + stretch * a, min, max);
  const lo = cdf(a);
  const p = lo + u * ((b === Number.POSITIVE_INFINITY ? 1 : cdf(b)) - lo);
  if (b === Number.POSITIVE_INFINITY) for (b = Math.max(1, 2 * a); cdf(b) < p && b < 1e300; b *= 2);
  return clamp(shift + stretch * invert(cdf, p, a, b), min, max);
}

/** A whole-number X from `first` up with this CDF, shifted, stretched and truncated. */
function discrete(u: number, min: number, max: number, shift: number, stretch: number, cdf: (k: number) => number, first: number, last: number): number {
  if (!(stretch > 0)) return clamp(shift, min, max);
  const kLo = Math.max(first, Math.ceil((min - shift) / stretch - 1e-9));
  const kHi = Math.min(last, Math.floor((max - shift) / stretch + 1e-9));
  if (kHi < kLo) return clamp(shift + stretch * kLo, min, max);
  const below = kLo > first ? cdf(kLo - 1) : 0;
  const p = below + u * ((Number.isFinite(kHi) ? cdf(kHi) : 1) - below);
  let k = kLo;
  while (k < kHi && cdf(k) < p && k - kLo < 1e6) k++;
  return shift + stretch * k;
}

/** Gamma of order (shape) `order` and scale 1: order 1 is the exponential of mean 1. */
export function randTruncGamma(u: number, min: number, max: number, order: number, shift: number, stretch: number): number {
  const a = order >= 1 ? order : 1; // Vensim takes an order below 1 as 1
  return continuous(u, min, max, shift, stretch, (x) => gammaP(a, x), Number.POSITIVE_INFINITY);
}

/** Beta with parameters alpha and beta, on [0, 1] before shift and stretch. */
export function randTruncBeta(u: number, min: number, max: number, alpha: number, beta: number, shift: number, stretch: number): number {
  if (!(alpha > 0) || !(beta > 0)) return Number.NaN;
  return continuous(u, min, max, shift, stretch, (x) => betaI(alpha, beta, x), 1);
}

/** Weibull with this shape and mean 1 (scale 1 / Γ(1 + 1/shape)). */
export function randTruncWeibull(u: number, min: number, max: number, shape: number, shift: number, stretch: number): number {
  if (!(shape > 0)) return Number.NaN;
  const scale = 1 / Math.exp(logGamma(1 + 1 / shape));
  return continuous(u, min, max, shift, stretch, (x) => 1 - Math.exp(-((x / scale) ** shape)), Number.POSITIVE_INFINITY);
}

/** Binomial: successes in `trials` tries of probability p. */
export function randTruncBinomial(u: number, min: number, max: number, p: number, trials: number, shift: number, stretch: number): number {
  const n = Math.round(trials);
  if (!(p >= 0 && p <= 1) || !(n >= 0)) return Number.NaN;
  const logP = Math.log(p);
  const logQ = Math.log(1 - p);
  const pmf = (k: number): number => (p === 0 ? (k === 0 ? 1 : 0) : p === 1 ? (k === n ? 1 : 0) : Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * logP + (n - k) * logQ));
  return discrete(u, min, max, shift, stretch, cumulative(pmf, 0), 0, n);
}

/** Negative binomial: the number of tries until the `successes`-th success, each of probability p. */
export function randTruncNegativeBinomial(u: number, min: number, max: number, p: number, successes: number, shift: number, stretch: number): number {
  const r = Math.round(successes);
  if (!(p > 0 && p <= 1) || !(r >= 1)) return Number.NaN;
  const pmf = (k: number): number => (p === 1 ? (k === r ? 1 : 0) : Math.exp(logGamma(k) - logGamma(r) - logGamma(k - r + 1) + r * Math.log(p) + (k - r) * Math.log(1 - p)));
  return discrete(u, min, max, shift, stretch, cumulative(pmf, r), r, Number.POSITIVE_INFINITY);
}

/** CDF from a probability function, remembering the sums so far. */
function cumulative(pmf: (k: number) => number, first: number): (k: number) => number {
  const sums: number[] = [];
  return (k) => {
    if (k < first) return 0;
    for (let i = first + sums.length; i <= k && sums.length < 1e6; i++) sums.push((sums.at(-1) ?? 0) + pmf(i));
    return Math.min(1, sums[Math.min(k - first, sums.length - 1)]!);
  };
}

/**
 * RANDOM LOOKUP: X has the density of the table (its y values, negative ones as 0, between its
 * first and last x), then shift + stretch · X is truncated to [min, max].
 */
export function randLookup(u: number, xs: Float64Array, ys: Float64Array, min: number, max: number, shift: number, stretch: number): number {
  const n = xs.length;
  if (n < 2 || !(stretch > 0)) return clamp(shift + stretch * (xs[0] ?? 0), min, max);
  const y = (i: number): number => Math.max(0, ys[i]!);
  // The area up to each point (the density is linear between points).
  const area = [0];
  for (let i = 1; i < n; i++) area.push(area[i - 1]! + ((y(i - 1) + y(i)) / 2) * (xs[i]! - xs[i - 1]!));
  const total = area[n - 1]!;
  if (!(total > 0)) return Number.NaN;
  const cdf = (x: number): number => {
    if (x <= xs[0]!) return 0;
    if (x >= xs[n - 1]!) return 1;
    let i = 0;
    while (xs[i + 1]! < x) i++;
    const w = x - xs[i]!;
    const slope = (y(i + 1) - y(i)) / (xs[i + 1]! - xs[i]!);
    return (area[i]! + y(i) * w + (slope * w * w) / 2) / total;
  };
  const a = Math.max(xs[0]!, (min - shift) / stretch);
  const b = Math.min(xs[n - 1]!, (max - shift) / stretch);
  if (!(b > a)) return clamp(shift + stretch * a, min, max);
  const lo = cdf(a);
  return clamp(shift + stretch * invert(cdf, lo + u * (cdf(b) - lo), a, b), min, max);
}
