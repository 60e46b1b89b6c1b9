/**
 * Numeric helpers shared by the compiled kernel and the reference interpreter, so both compute
 * builtins identically. Everything here is allocation-free and monomorphic (numbers in, number out).
 */

/** Tolerance for "is the time exactly at this event", relative to DT, so 0.1-steps still hit 0.3. */
export const TIME_EPSILON = 1e-6;

export function step(height: number, start: number, t: number, dt: number): number {
  return t >= start - TIME_EPSILON * dt ? height : 0;
}

/**
 * XMILE PULSE: adds `volume` to a stock over one DT at `first` (and every `interval` after it when
 * interval > 0), i.e. a flow of volume/DT during [first, first + DT).
 */
export function pulse(volume: number, first: number, interval: number, t: number, dt: number): number {
  const eps = TIME_EPSILON * dt;
  if (t < first - eps) return 0;
  let since = t - first;
  if (interval > 0) since -= Math.floor((since + eps) / interval) * interval;
  return since < dt - eps && since > -eps ? volume / dt : 0;
}

export function ramp(slope: number, start: number, end: number, t: number): number {
  if (t <= start || end <= start) return 0;
  return slope * (Math.min(t, end) - start);
}

export function mod(a: number, b: number): number {
  return a - b * Math.floor(a / b);
}

/** Nearest whole number, halves away from zero; exact (x + 0.5 would round up 0.49999999999999994). */
export function round(x: number): number {
  const a = Math.abs(x);
  let r = Math.floor(a);
  if (a - r >= 0.5) r++;
  return x < 0 ? -r : r;
}

export function safediv(a: number, b: number, otherwise: number): number {
  return b === 0 ? otherwise : a / b;
}

/** Index of the last table point whose x is ≤ `x` (−1 below the table). */
function segment(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (x < xs[0]!) return -1;
  if (x >= xs[hi]!) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Linear between points, flat beyond the ends. */
export function lookupContinuous(xs: Float64Array, ys: Float64Array, x: number): number {
  const n = xs.length;
  if (x !== x) return x;
  if (x <= xs[0]!) return ys[0]!;
  if (x >= xs[n - 1]!) return ys[n - 1]!;
  const i = segment(xs, x);
  const x0 = xs[i]!;
  return ys[i]! + ((ys[i + 1]! - ys[i]!) * (x - x0)) / (xs[i + 1]! - x0);
}

/** Linear between points, continuing the first and last segments beyond the ends. */
export function lookupExtrapolate(xs: Float64Array, ys: Float64Array, x: number): number {
  const n = xs.length;
  if (n === 1 || x !== x) return n === 1 ? ys[0]! : x;
  let i = segment(xs, x);
  if (i < 0) i = 0;
  if (i >= n - 1) i = n - 2;
  const x0 = xs[i]!;
  return ys[i]! + ((ys[i + 1]! - ys[i]!) * (x - x0)) / (xs[i + 1]! - x0);
}

/** A step function: the y of the last point at or left of x; the first y below the table. */
export function lookupDiscrete(xs: Float64Array, ys: Float64Array, x: number): number {
  if (x !== x) return x;
  const i = segment(xs, x);
  return ys[i < 0 ? 0 : i]!;
}

/**
 * Counter-based random numbers: the draw for (stream, step) is a hash of both, so a run is
 * reproducible from its seed whatever the evaluation order or integration method.
 * Returns a uniform number strictly inside (0, 1).
 */
export function uniform01(stream: number, step: number): number {
  let h = mix32(stream ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(step + 1, 0x85ebca6b));
  return ((h >>> 0) + 0.5) / 4294967296;
}

/** lowbias32 (Chris Wellons): a fast 32-bit integer hash with good avalanche. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x | 0;
}

/** The stream number of a random call site for a run seed. */
export function streamFor(seed: number, site: number): number {
  return mix32(mix32(seed | 0) + Math.imul(site + 1, 0x27d4eb2d));
}

/**
 * The stream of a call given its own seed argument: depends on that seed (and the array element
 * being computed) only, so the call's numbers stay the same whatever the run seed and whatever
 * other random calls the model has.
 */
export function streamForSeedArgument(seed: number, element: number): number {
  return streamFor(Math.floor(seed) ^ 0x5bd1e995, element);
}

/** Inverse of the standard normal CDF (Acklam's algorithm, relative error < 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

export function randUniform(u: number, min: number, max: number): number {
  return min + (max - min) * u;
}

export function randNormal(u: number, mean: number, sd: number): number {
  return mean + sd * inverseNormal(u);
}

/** Log-normal with the given mean and standard deviation of the distribution itself. */
export function randLognormal(u: number, mean: number, sd: number): number {
  const sigma2 = Math.log(1 + (sd * sd) / (mean * mean));
  const mu = Math.log(mean) - sigma2 / 2;
  return Math.exp(mu + Math.sqrt(sigma2) * inverseNormal(u));
}

export function randExponential(u: number, mean: number): number {
  return -mean * Math.log(1 - u);
}

/** Poisson by inverting the CDF; the normal approximation above a mean of 700 (where exp underflows). */
export function randPoisson(u: number, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean > 700) return Math.max(0, Math.round(mean + Math.sqrt(mean) * inverseNormal(u)));
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (u > cdf && k < 100000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/**
 * Output of a DELAY pipeline at time t: the input recorded `delay` time units earlier, linearly
 * interpolated between recorded steps. Delays shorter than DT act as one DT (so the output never
 * depends on the input of the same instant). Before any input has been recorded: `initial`.
 */
export function delayOutput(history: Float64Array, delay: number, initial: number, t: number, start: number, dt: number): number {
  const d = delay > dt ? delay : dt;
  const p = (t - d - start) / dt;
  if (p < -TIME_EPSILON) return initial;
  const i = Math.floor(p + TIME_EPSILON);
  const frac = p - i;
  if (frac <= TIME_EPSILON) return history[i]!;
  return history[i]! + frac * (history[i + 1]! - history[i]!);
}
