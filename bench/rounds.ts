import { summarise, type Timing } from './stats.js';

/**
 * Compares two contestants on a shared, noisy machine: in each round both run back to back (the
 * best of a few runs each), and the ratio is taken within the round; the result is the median of
 * the rounds' ratios. Load from other processes then mostly cancels out of the ratio.
 */
export interface Comparison {
  readonly ours: Timing;
  readonly theirs: Timing;
  readonly ratio: number;
  /** Interquartile range of the per-round ratios over their median. */
  readonly spread: number;
  readonly rounds: number;
}

export function compare(ours: () => number, theirs: () => number, rounds = 9): Comparison {
  const a: number[] = [];
  const b: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate who goes first, so neither always gets the warmer caches.
    const [x, y] = i % 2 === 0 ? [ours(), theirs()] : (([q, p]) => [p, q])([theirs(), ours()]);
    a.push(x);
    b.push(y);
    r.push(x / y);
  }
  const ratios = summarise(r);
  return { ours: summarise(a), theirs: summarise(b), ratio: ratios.median, spread: ratios.spread, rounds };
}

/** The best of `n` timed calls of `f`, each repeated `batch` times (milliseconds per call). */
export function bestOf(f: () => void, n = 3, batch = 1): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    for (let j = 0; j < batch; j++) f();
    best = Math.min(best, (performance.now() - t0) / batch);
  }
  return best;
}

/** How many calls of `f` make a sample of at least `ms` milliseconds (for microsecond-scale runs). */
export function batchFor(f: () => void, ms = 20): number {
  const t0 = performance.now();
  f();
  const one = Math.max(1e-3, performance.now() - t0);
  return Math.max(1, Math.ceil(ms / one));
}

/**
 * Calls `f` for about `ms` milliseconds (at least `min` times), so that a JIT compiler has reached
 * its optimised code before the rounds start: the comparisons are of steady states.
 */
export function warmUp(f: () => void, ms = 300, min = 3): void {
  const t0 = performance.now();
  for (let i = 0; i < min || performance.now() - t0 < ms; i++) f();
}
