/**
 * Functions of whole vectors, shared by the compiled kernel and the reference interpreter. Each
 * takes its call's cache, the index of the result element wanted, the vector arguments and the
 * number arguments. The whole result is computed once and kept in the cache with its inputs
 * (recomputed only when an input changes). Index −1 asks for just that (the call's hidden
 * "prepare" slot, returning 0); each element of the result then reads it with vectorPick.
 * Impossible requests (a position outside the vector, a singular matrix) give NaN, which stops
 * the run naming the variable and the time.
 */
type Vectors = readonly (readonly number[])[];

/** A call's last results with the inputs they were computed from (most recent first). */
export type VectorCache = { vectors: Vectors; args: readonly number[]; result: readonly number[] }[];

const CACHED_RESULTS = 4;

function same(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The whole result for these inputs: remembered, or computed and remembered. */
function cached(cache: VectorCache, vectors: Vectors, args: readonly number[], compute: () => readonly number[]): readonly number[] {
  for (let n = 0; n < cache.length; n++) {
    const entry = cache[n]!;
    if (!same(entry.args, args) || entry.vectors.length !== vectors.length || !entry.vectors.every((v, i) => same(v, vectors[i]!))) continue;
    if (n > 0) cache.unshift(...cache.splice(n, 1)); // the current inputs' result first, for vectorPick
    return entry.result;
  }
  const result = compute();
  cache.unshift({ vectors, args, result });
  if (cache.length > CACHED_RESULTS) cache.pop();
  return result;
}

/** Element `index` of the result its call's prepare slot has just computed (`_after`: that slot, read so it comes first). */
export function vectorPick(cache: VectorCache, index: number, _after: number): number {
  return cache[0]?.result[index] ?? Number.NaN;
}

const element = (result: readonly number[], index: number): number => (index < 0 ? 0 : result[index]!);

/** Positions (0-based) in ascending order of value, ties in their original order. */
function ascendingOrder(x: readonly number[]): number[] {
  return x.map((_, i) => i).sort((a, b) => x[a]! - x[b]! || a - b);
}

/** Vensim VECTOR SORT ORDER: ascending when direction > 0, else descending (the ascending order reversed). */
function sortOrder(x: readonly number[], direction: number): number[] {
  const order = ascendingOrder(x);
  return direction > 0 ? order : order.reverse();
}

/** The 0-based position of the element that comes `index`-th in sorted order. */
export function vectorSortOrder(cache: VectorCache, index: number, vectors: Vectors, args: readonly number[]): number {
  return element(cached(cache, vectors, args, () => sortOrder(vectors[0]!, args[0]!)), index);
}

/** The rank (1 = first in sorted order) of element `index`. */
export function vectorRank(cache: VectorCache, index: number, vectors: Vectors, args: readonly number[]): number {
  const ranks = cached(cache, vectors, args, () => {
    const out: number[] = [];
    sortOrder(vectors[0]!, args[0]!).forEach((at, k) => (out[at] = k + 1));
    return out;
  });
  return element(ranks, index);
}

/** The element of x at the 0-based position order[index]. */
export function vectorReorder(cache: VectorCache, index: number, vectors: Vectors, args: readonly number[]): number {
  const [x, order] = vectors as [readonly number[], readonly number[]];
  const result = cached(cache, vectors, args, () =>
    order.map((o) => {
      const at = Math.round(o);
      return at >= 0 && at < x.length ? x[at]! : Number.NaN;
    }),
  );
  return element(result, index);
}

/** The element `offset` positions (rounded) after element `index` of the flattened array. */
export function vectorElmMap(_cache: VectorCache, index: number, [x]: Vectors, [offset]: readonly number[]): number {
  const at = index + Math.round(offset!);
  return at >= 0 && at < x!.length ? x![at]! : Number.NaN;
}

/**
 * Vensim VECTOR SELECT: combines the values whose selection is not 0. Actions 0–4 use
 * selection × value (sum, product, min, max, mean), 5 the product of value ^ selection, 6–10 the
 * plain values (sum, product, min, max, mean). `missing` when nothing is selected. Error actions
 * 1 (nothing selected), 2 (more than one selected) and 3 (either) give NaN instead.
 */
export function vectorSelect(cache: VectorCache, index: number, vectors: Vectors, args: readonly number[]): number {
  return element(cached(cache, vectors, args, () => [select(vectors, args)]), Math.min(index, 0));
}

function select([selection, values]: Vectors, [missing, action, errorAction]: readonly number[]): number {
  const picked: number[] = [];
  selection!.forEach((s, i) => {
    if (s === 0) return;
    const v = values![i]!;
    picked.push(action! <= 4 ? s * v : action === 5 ? v ** s : v);
  });
  const err = Math.round(errorAction!);
  if (picked.length === 0 && (err === 1 || err === 3)) return Number.NaN;
  if (picked.length > 1 && (err === 2 || err === 3)) return Number.NaN;
  if (picked.length === 0) return missing!;
  switch (Math.round(action!)) {
    case 0:
    case 6:
      return picked.reduce((a, b) => a + b, 0);
    case 1:
    case 5:
    case 7:
      return picked.reduce((a, b) => a * b, 1);
    case 2:
    case 8:
      return Math.min(...picked);
    case 3:
    case 9:
      return Math.max(...picked);
    case 4:
    case 10:
      return picked.reduce((a, b) => a + b, 0) / picked.length;
    default:
      return Number.NaN;
  }
}

/**
 * Vensim ALLOCATE BY PRIORITY: supply goes to the requests from the highest priority down. The
 * next priority starts receiving once the one before has received (its priority gap / width) of
 * its request (all of it when the gap is at least width); every request being served takes a
 * share of further supply in proportion to its request. Requests are filled, never overfilled.
 */
export function allocateByPriority(cache: VectorCache, index: number, vectors: Vectors, args: readonly number[]): number {
  return element(cached(cache, vectors, args, () => allocation(vectors[0]!, vectors[1]!, args[0]!, args[1]!)), index);
}

export function allocation(request: readonly number[], priority: readonly number[], width: number, supply: number): number[] {
  const n = request.length;
  const out = new Array<number>(n).fill(0);
  if (request.some((r) => r < 0) || !(width > 0) || supply !== supply) return out.fill(Number.NaN);
  const total = request.reduce((a, b) => a + b, 0);
  if (supply >= total) return request.slice();
  if (supply <= 0) return out;
  // Non-zero requests, highest priority first (ties in their original order).
  const order = request.map((_, i) => i).filter((i) => request[i]! > 0).sort((a, b) => priority[b]! - priority[a]! || a - b);
  const m = order.length;
  const req = order.map((i) => request[i]!);
  const got = new Array<number>(m).fill(0);
  // How much the k-th must have received before the (k+1)-th starts.
  const start = order.map((i, k) => (k + 1 < m ? Math.min((priority[i]! - priority[order[k + 1]!]!) / width, 1) * req[k]! : Number.POSITIVE_INFINITY));
  const full = (k: number): boolean => got[k]! >= req[k]! * (1 - 1e-12);
  let last = 0;
  let left = supply;
  for (let round = 0; left > 0 && round < 4 * m + 4; round++) {
    while (last + 1 < m && got[last]! >= start[last]! - 1e-12 * req[last]!) last++;
    let share = 0;
    for (let k = 0; k <= last; k++) if (!full(k)) share += req[k]!;
    if (share === 0) break;
    // Supply until a request is filled, the next one starts, or the supply runs out.
    let step = left;
    for (let k = 0; k <= last; k++) if (!full(k)) step = Math.min(step, ((req[k]! - got[k]!) * share) / req[k]!);
    if (last + 1 < m && !full(last)) step = Math.min(step, ((start[last]! - got[last]!) * share) / req[last]!);
    for (let k = 0; k <= last; k++) if (!full(k)) got[k] = Math.min(req[k]!, got[k]! + (step * req[k]!) / share);
    left -= step;
  }
  order.forEach((i, k) => (out[i] = got[k]!));
  return out;
}

/** Element `index` (row-major) of the inverse of the square matrix m; NaN when m is singular. */
export function invertMatrix(cache: VectorCache, index: number, vectors: Vectors, args: readonly number[]): number {
  return element(cached(cache, vectors, args, () => inverse(vectors[0]!)), index);
}

/** Gauss–Jordan elimination with partial pivoting on a row-major n × n matrix. */
export function inverse(m: readonly number[]): number[] {
  const n = Math.round(Math.sqrt(m.length));
  const a = m.slice();
  const inv = Array.from({ length: n * n }, (_, i): number => (Math.floor(i / n) === i % n ? 1 : 0));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    const p = a[pivot * n + col]!;
    if (p === 0 || p !== p) return inv.fill(Number.NaN);
    for (let c = 0; c < n; c++) {
      const [x, y] = [a[pivot * n + c]!, inv[pivot * n + c]!];
      a[pivot * n + c] = a[col * n + c]!;
      inv[pivot * n + c] = inv[col * n + c]!;
      a[col * n + c] = x / p;
      inv[col * n + c] = y / p;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r * n + col]!;
      if (f === 0) continue;
      for (let c = 0; c < n; c++) {
        a[r * n + c] = a[r * n + c]! - f * a[col * n + c]!;
        inv[r * n + c] = inv[r * n + c]! - f * inv[col * n + c]!;
      }
    }
  }
  return inv;
}
