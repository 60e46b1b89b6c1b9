/**
 * A merging t-digest (Dunning & Ertl, "Computing extremely accurate quantiles using t-digests"):
 * a sorted list of weighted centroids whose sizes follow the k₁ (arcsine) scale, so clusters are
 * tiny in the tails and larger in the middle. It estimates any percentile of millions of values in
 * a few kilobytes, and two digests merge into one, so each chunk of runs keeps its own and the
 * chunks are combined in order. Everything is deterministic: the same values added in the same
 * order, and the same merges in the same order, give the same digest bit for bit.
 *
 * With fewer values than about compression / π in a cluster's share, every value stays its own
 * centroid and percentiles are exact (Hazen's definition: the i-th smallest of n values sits at
 * cumulative probability (i − ½)/n, linear in between).
 */

/** A digest as it crosses to another thread: centroids sorted by mean. */
export interface DigestState {
  readonly means: Float64Array;
  readonly weights: Float64Array;
  readonly min: number;
  readonly max: number;
}

export const DEFAULT_COMPRESSION = 100;

export class TDigest {
  private means = new Float64Array(0);
  private weights = new Float64Array(0);
  /** Values added since the last compression (each of weight 1). */
  private buffer: Float64Array;
  private buffered = 0;
  private total = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private readonly bufferLimit: number;

  constructor(readonly compression = DEFAULT_COMPRESSION) {
    this.bufferLimit = Math.max(32, Math.ceil(5 * compression));
    this.buffer = new Float64Array(32);
  }

  static fromState(state: DigestState, compression = DEFAULT_COMPRESSION): TDigest {
    const d = new TDigest(compression);
    d.merge(state);
    return d;
  }

  get count(): number {
    return this.total + this.buffered;
  }

  add(x: number): void {
    if (this.buffered === this.buffer.length) {
      if (this.buffered >= this.bufferLimit) this.compress();
      else this.grow();
    }
    this.buffer[this.buffered++] = x;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  /** Adds another digest: both centroid lists are sorted, so they merge in one pass, then re-cluster. */
  merge(state: DigestState): void {
    if (state.means.length === 0) return;
    this.compress();
    this.cluster(state.means, state.weights);
    if (state.min < this.lo) this.lo = state.min;
    if (state.max > this.hi) this.hi = state.max;
  }

  state(): DigestState {
    this.compress();
    return { means: this.means.slice(), weights: this.weights.slice(), min: this.lo, max: this.hi };
  }

  /** The value below which a fraction q (0 ≤ q ≤ 1) of the weight lies; NaN when empty. */
  quantile(q: number): number {
    this.compress();
    const n = this.total;
    const c = this.means.length;
    if (c === 0) return Number.NaN;
    if (c === 1) return this.means[0]!;
    const h = q * n;
    // Points (cumulative weight, value): min at ½, each centroid at its centre, max at n − ½.
    if (h <= 0.5) return this.lo;
    if (h >= n - 0.5) return this.hi;
    let prevH = 0.5;
    let prevX = this.lo;
    let cum = 0;
    for (let i = 0; i < c; i++) {
      const w = this.weights[i]!;
      const centre = cum + w / 2;
      const x = this.means[i]!;
      if (h <= centre) return centre > prevH ? prevX + ((x - prevX) * (h - prevH)) / (centre - prevH) : x;
      prevH = centre;
      prevX = x;
      cum += w;
    }
    const end = n - 0.5;
    return end > prevH ? prevX + ((this.hi - prevX) * (h - prevH)) / (end - prevH) : this.hi;
  }

  private grow(): void {
    const b = new Float64Array(Math.min(this.bufferLimit, this.buffer.length * 2));
    b.set(this.buffer);
    this.buffer = b;
  }

  /** Folds the buffered values in: sorted numerically (equal values are interchangeable), then clustered with the centroids. */
  private compress(): void {
    if (this.buffered === 0) return;
    const values = this.buffer.slice(0, this.buffered).sort();
    this.buffered = 0;
    this.cluster(values, undefined);
  }

  /**
   * Merges sorted incoming centroids (weight 1 each when `weights` is undefined) with the sorted
   * centroids, ties taking the existing centroid first, and re-clusters under the k₁ scale: a
   * cluster grows while the k-scale distance from its start stays within 1.
   */
  private cluster(inMeans: Float64Array, inWeights: Float64Array | undefined): void {
    const a = this.means;
    const aw = this.weights;
    const na = a.length;
    const nb = inMeans.length;
    let total = this.total;
    if (inWeights) for (let j = 0; j < nb; j++) total += inWeights[j]!;
    else total += nb;
    const outMeans = new Float64Array(na + nb);
    const outWeights = new Float64Array(na + nb);
    let out = 0;
    let i = 0;
    let j = 0;
    let curMean = 0;
    let curWeight = 0;
    let before = 0;
    let limit = 0;
    while (i < na || j < nb) {
      let m: number;
      let w: number;
      if (j >= nb || (i < na && a[i]! <= inMeans[j]!)) {
        m = a[i]!;
        w = aw[i++]!;
      } else {
        m = inMeans[j]!;
        w = inWeights ? inWeights[j]! : 1;
        j++;
      }
      if (curWeight === 0) {
        curMean = m;
        curWeight = w;
        limit = total * this.nextQuantileLimit(0);
      } else if (before + curWeight + w <= limit) {
        curWeight += w;
        curMean += ((m - curMean) * w) / curWeight;
      } else {
        outMeans[out] = curMean;
        outWeights[out] = curWeight;
        out++;
        before += curWeight;
        limit = total * this.nextQuantileLimit(before / total);
        curMean = m;
        curWeight = w;
      }
    }
    outMeans[out] = curMean;
    outWeights[out] = curWeight;
    out++;
    this.means = outMeans.slice(0, out);
    this.weights = outWeights.slice(0, out);
    this.total = total;
  }

  /** The largest cumulative fraction a cluster starting at q may reach: k(q_end) ≤ k(q) + 1. */
  private nextQuantileLimit(q: number): number {
    const delta = this.compression;
    const k = (delta / (2 * Math.PI)) * Math.asin(2 * Math.min(1, Math.max(0, q)) - 1) + 1;
    if (k >= delta / 4) return 1;
    return (Math.sin((2 * Math.PI * k) / delta) + 1) / 2;
  }
}
