/** Robust summaries of repeated timings: the median, and the spread as the interquartile range. */

export interface Timing {
  readonly median: number;
  readonly min: number;
  /** Interquartile range divided by the median (0.05 = the middle half within ±2.5%). */
  readonly spread: number;
  readonly n: number;
}

export function summarise(samples: readonly number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => {
    const i = (s.length - 1) * p;
    const lo = Math.floor(i);
    return s[lo]! + (s[Math.ceil(i)]! - s[lo]!) * (i - lo);
  };
  const median = q(0.5);
  return { median, min: s[0]!, spread: median > 0 ? (q(0.75) - q(0.25)) / median : 0, n: s.length };
}

/** Largest difference between two series relative to their scale (0 when identical). */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Object.is(x, y)) continue;
    const d = Math.abs(x - y) / Math.max(1e-12, Math.abs(x), Math.abs(y));
    worst = Math.max(worst, d !== d ? Infinity : d);
  }
  return worst;
}
