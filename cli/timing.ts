import type { RunResult } from '../engine/src/index.js';

/** What `cwb run --timing` prints: milliseconds to load and compile, and per run. */
export interface TimingReport {
  readonly compile_ms: number;
  readonly run_ms_median: number;
  readonly run_ms_min: number;
  /** Time steps per run. */
  readonly steps: number;
  /** Series recorded per run (each array element counts once). */
  readonly variables: number;
}

/** Runs `run` n times; returns the last result and each run's milliseconds. */
export function timedRuns(run: () => RunResult, n: number): { result: RunResult; runMs: number[] } {
  const runMs: number[] = [];
  let result: RunResult | undefined;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    result = run();
    runMs.push(performance.now() - t0);
  }
  return { result: result!, runMs };
}

export function timingReport(compileMs: number, runMs: readonly number[], result: RunResult): TimingReport {
  const sorted = [...runMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const last = result.times.length - 1;
  const steps = last > 0 ? Math.round((result.times[last]! - result.times[0]!) / result.dt) : 0;
  return { compile_ms: round3(compileMs), run_ms_median: round3(median), run_ms_min: round3(sorted[0]!), steps, variables: result.series.length };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
