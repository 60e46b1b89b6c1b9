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
  private bufMeans: Float64Array;
  private bufWeights: Float64Array;
  private buffered = 0;
  private total = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private readonly bufferLimit: number;

  constructor(readonly compression = DEFAULT_COMPRESSION) {
    this.bufferLimit = Math.max(32, Math.ceil(5 * compression));
    this.bufMeans = new Float64Array(32);
    this.bufWeights = new Float64Array(32);
  }

  static fromState(state: DigestState, compression = DEFAULT_COMPRESSION): TDigest {
    const d = new TDigest(compression);
    d.means = Float64Array.from(state.means);
    d.weights = Float64Array.from(state.weights);
    d.total = d.weights.reduce((a, b) => a + b, 0);
    d.lo = state.min;
    d.hi = state.max;
    return d;
  }

  get count(): number {
    return this.total + this.bufferedWeight();
  }

  add(x: number, weight = 1): void {
    if (this.buffered === this.bufMeans.length) {
      if (this.buffered >= this.bufferLimit) this.compress();
      else this.grow();
    }
    this.bufMeans[this.buffered] = x;
    this.bufWeights[this.buffered] = weight;
    this.buffered++;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  /** Adds another digest's centroids (as weighted points, so the merge follows the same rules). */
  merge(state: DigestState): void {
    for (let i = 0; i < state.means.length; i++) this.add(state.means[i]!, state.weights[i]!);
    if (state.means.length > 0) {
      if (state.min < this.lo) this.lo = state.min;
      if (state.max > this.hi) this.hi = state.max;
    }
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

  private bufferedWeight(): number {
    let w = 0;
    for (let i = 0; i < this.buffered; i++) w += this.bufWeights[i]!;
    return w;
  }

  private grow(): void {
    const size = Math.min(this.bufferLimit, this.bufMeans.length * 2);
    const m = new Float64Array(size);
    const w = new Float64Array(size);
    m.set(this.bufMeans);
    w.set(this.bufWeights);
    this.bufMeans = m;
    this.bufWeights = w;
  }

  /** Sorts the centroids and buffered points together and re-clusters them under the k₁ scale. */
  private compress(): void {
    if (this.buffered === 0) return;
    const c = this.means.length;
    const n = c + this.buffered;
    const allMeans = new Float64Array(n);
    const allWeights = new Float64Array(n);
    allMeans.set(this.means);
    allWeights.set(this.weights);
    allMeans.set(this.bufMeans.subarray(0, this.buffered), c);
    allWeights.set(this.bufWeights.subarray(0, this.buffered), c);
    this.buffered = 0;
    // Ties keep their order of arrival, so the result never depends on the sort's internals.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => allMeans[a]! - allMeans[b]! || a - b);
    let total = 0;
    for (let i = 0; i < n; i++) total += allWeights[i]!;
    const outMeans = new Float64Array(n);
    const outWeights = new Float64Array(n);
    let out = 0;
    let curMean = allMeans[order[0]!]!;
    let curWeight = allWeights[order[0]!]!;
    let before = 0;
    let limit = total * this.nextQuantileLimit(0);
    for (let j = 1; j < n; j++) {
      const i = order[j]!;
      const w = allWeights[i]!;
      if (before + curWeight + w <= limit) {
        curWeight += w;
        curMean += ((allMeans[i]! - curMean) * w) / curWeight;
      } else {
        outMeans[out] = curMean;
        outWeights[out] = curWeight;
        out++;
        before += curWeight;
        limit = total * this.nextQuantileLimit(before / total);
        curMean = allMeans[i]!;
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
