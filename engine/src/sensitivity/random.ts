import { mix32 } from '../runtime/functions.js';

/**
 * Counter-based random numbers for sampling: every draw is a hash of (seed, stream, index), so a
 * run's parameter values depend on the spec, the seed and the run index only — never on which
 * worker ran it or in what order. Streams keep the uses apart (one per parameter, one for the LHS
 * permutations, one for the model's own seeds).
 */

/** Stream numbers, fixed so results stay reproducible across versions. */
export const STREAM = {
  /** Parameter p of a run uses stream PARAMETER + p. */
  parameter: 0x1000,
  /** Fisher–Yates shuffles of the Latin hypercube strata; parameter p uses PERMUTATION + p. */
  permutation: 0x20000,
  /** The run seed handed to the model's UNIFORM, NORMAL, … */
  modelSeed: 0x7fff0001,
} as const;

function hash3(seed: number, stream: number, index: number, salt: number): number {
  let h = mix32((seed | 0) ^ salt);
  h = mix32(h + Math.imul(stream | 0, 0x27d4eb2d));
  h = mix32(h ^ Math.imul((index | 0) + 1, 0x85ebca6b));
  return mix32(h + (index / 4294967296 | 0)); // runs beyond 2^32 still differ
}

/** A uniform number strictly inside (0, 1) with 53 random bits. */
export function uniformAt(seed: number, stream: number, index: number): number {
  const hi = hash3(seed, stream, index, 0x3c6ef372) >>> 0; // 32 bits
  const lo = hash3(seed, stream, index, 0x5851f42d) >>> 11; // 21 bits
  return (hi * 2097152 + lo + 0.5) / 9007199254740992;
}

/** The seed the model's random functions get in run `run` (a 32-bit integer, as `seed:` takes). */
export function runSeed(seed: number, run: number): number {
  return hash3(seed, STREAM.modelSeed, run, 0x1b873593);
}

/** A random permutation of 0…n-1 from (seed, stream): Fisher–Yates driven by counter-based draws. */
export function permutation(seed: number, stream: number, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniformAt(seed, stream, i) * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
