/**
 * Count, mean, sum of squared deviations, min and max of many cells at once, in one Float64Array
 * (five numbers per cell) so a chunk's statistics cross to another thread without copying objects.
 * Values are added by Welford's update and chunks combined by Chan et al.'s pairwise formula, both
 * numerically stable; combining in a fixed order makes the result independent of who computed what.
 */
const N = 0;
const MEAN = 1;
const M2 = 2;
const MIN = 3;
const MAX = 4;
export const MOMENT_FIELDS = 5;

export function newMoments(cells: number): Float64Array {
  const m = new Float64Array(cells * MOMENT_FIELDS);
  for (let c = 0; c < cells; c++) {
    m[c * MOMENT_FIELDS + MIN] = Number.POSITIVE_INFINITY;
    m[c * MOMENT_FIELDS + MAX] = Number.NEGATIVE_INFINITY;
  }
  return m;
}

export function addMoment(m: Float64Array, cell: number, x: number): void {
  const o = cell * MOMENT_FIELDS;
  const n = m[o + N]! + 1;
  const delta = x - m[o + MEAN]!;
  const mean = m[o + MEAN]! + delta / n;
  m[o + N] = n;
  m[o + MEAN] = mean;
  m[o + M2] = m[o + M2]! + delta * (x - mean);
  if (x < m[o + MIN]!) m[o + MIN] = x;
  if (x > m[o + MAX]!) m[o + MAX] = x;
}

/** Adds the statistics of `from` into `into`, cell by cell. */
export function mergeMoments(into: Float64Array, from: Float64Array): void {
  for (let o = 0; o < into.length; o += MOMENT_FIELDS) {
    const nb = from[o + N]!;
    if (nb === 0) continue;
    const na = into[o + N]!;
    const n = na + nb;
    const delta = from[o + MEAN]! - into[o + MEAN]!;
    into[o + MEAN] = into[o + MEAN]! + (delta * nb) / n;
    into[o + M2] = into[o + M2]! + from[o + M2]! + (delta * delta * na * nb) / n;
    into[o + N] = n;
    if (from[o + MIN]! < into[o + MIN]!) into[o + MIN] = from[o + MIN]!;
    if (from[o + MAX]! > into[o + MAX]!) into[o + MAX] = from[o + MAX]!;
  }
}

export interface CellMoments {
  readonly count: number;
  /** null when there are no values. */
  readonly mean: number | null;
  /** The sample standard deviation (n − 1); 0 for a single value, null for none. */
  readonly sd: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

export function cellMoments(m: Float64Array, cell: number): CellMoments {
  const o = cell * MOMENT_FIELDS;
  const n = m[o + N]!;
  if (n === 0) return { count: 0, mean: null, sd: null, min: null, max: null };
  return { count: n, mean: m[o + MEAN]!, sd: n > 1 ? Math.sqrt(Math.max(0, m[o + M2]! / (n - 1))) : 0, min: m[o + MIN]!, max: m[o + MAX]! };
}
