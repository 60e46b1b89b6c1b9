import { integrate, savedColumn } from '../sim/integrate.js';
import { nonFiniteError, type Simulatable } from '../sim/simulate.js';
import { addMoment, newMoments } from './moments.js';
import { applyParameters, modelSeed, runParameters, type SensitivityPlan } from './plan.js';
import { TDigest, type DigestState } from './tdigest.js';

/** A run that stopped on NaN or infinity: left out of every statistic, reported with its inputs. */
export interface ChunkFailure {
  readonly run: number;
  /** Parameter values (NaN: at base). */
  readonly parameters: Float64Array;
  readonly message: string;
}

/** A kept run's whole output series, for spaghetti plots. */
export interface ChunkSample {
  readonly run: number;
  readonly parameters: Float64Array;
  /** outputs × saved times, row by output; NaN after a run that ended early (`stop at`). */
  readonly values: Float64Array;
}

/** Each completed run's parameters and outputs at the record times (scatter, sweeps, tornado). */
export interface ChunkRecords {
  readonly runs: Int32Array;
  /** runs × parameters. */
  readonly parameters: Float64Array;
  /** runs × outputs × record times. */
  readonly outputs: Float64Array;
}

/**
 * The statistics of one chunk of runs: the unit a worker computes and sends back. Plain typed
 * arrays and objects, so it crosses threads by structured clone.
 */
export interface ChunkResult {
  readonly chunk: number;
  /** Runs attempted (completed + failed). */
  readonly runs: number;
  readonly failed: number;
  /** The first failures (at most MAX_FAILURES_KEPT). */
  readonly failures: readonly ChunkFailure[];
  /** Moments of each cell (output × report time); see moments.ts. */
  readonly moments: Float64Array;
  readonly digests: readonly DigestState[];
  readonly samples: readonly ChunkSample[];
  readonly records: ChunkRecords;
}

export const MAX_FAILURES_KEPT = 20;

/** The run indices of a chunk. */
export function chunkRuns(plan: SensitivityPlan, chunk: number): { readonly first: number; readonly end: number } {
  const first = chunk * plan.chunkSize;
  return { first, end: Math.min(plan.runs, first + plan.chunkSize) };
}

/** Runs every run of one chunk on a compiled model (one kernel, parameters as overrides). */
export function runChunk(model: Simulatable, plan: SensitivityPlan, chunk: number): ChunkResult {
  const { first, end } = chunkRuns(plan, chunk);
  const { ir, kernel } = model;
  const nParams = plan.parameters.length;
  const nOut = plan.outputs.length;
  const nReport = plan.reportIndex.length;
  const nRecord = plan.recordIndex.length;
  const nSaved = plan.savedTimes.length;
  const slots = plan.outputs.map((o) => o.slot);
  const moments = newMoments(nOut * nReport);
  const digests = Array.from({ length: nOut * nReport }, () => new TDigest(plan.compression));
  const values = new Float64Array(nParams);
  const overrides = new Float64Array(ir.slots.length);
  const failures: ChunkFailure[] = [];
  const samples: ChunkSample[] = [];
  const recordRuns: number[] = [];
  const recordParams: number[] = [];
  const recordOutputs: number[] = [];
  let failed = 0;

  for (let run = first; run < end; run++) {
    runParameters(plan, run, values);
    applyParameters(plan, values, overrides);
    const raw = integrate(ir, kernel, { ...plan.settings, seed: modelSeed(plan, run) }, overrides, slots);
    if (raw.nonFinite) {
      failed++;
      if (failures.length < MAX_FAILURES_KEPT) failures.push({ run, parameters: values.slice(), message: nonFiniteError(ir, raw.nonFinite).message });
      continue;
    }
    // A `stop at` run may end early, its last save off the grid: only grid times it reached count.
    const reached = (index: number): boolean => index < raw.saved && Math.abs(raw.times[index]! - plan.savedTimes[index]!) <= 1e-9 * Math.max(1, Math.abs(plan.savedTimes[index]!));
    for (let o = 0; o < nOut; o++) {
      const column = savedColumn(raw, o);
      for (let j = 0; j < nReport; j++) {
        const index = plan.reportIndex[j]!;
        if (!reached(index)) continue;
        const x = column[index]!;
        addMoment(moments, o * nReport + j, x);
        digests[o * nReport + j]!.add(x);
      }
    }
    if (run < plan.samples) {
      const series = new Float64Array(nOut * nSaved).fill(Number.NaN);
      for (let o = 0; o < nOut; o++) {
        const column = savedColumn(raw, o);
        for (let i = 0; i < nSaved; i++) if (reached(i)) series[o * nSaved + i] = column[i]!;
      }
      samples.push({ run, parameters: values.slice(), values: series });
    }
    if (nRecord > 0) {
      recordRuns.push(run);
      for (let p = 0; p < nParams; p++) recordParams.push(values[p]!);
      for (let o = 0; o < nOut; o++) {
        const column = savedColumn(raw, o);
        for (let r = 0; r < nRecord; r++) recordOutputs.push(reached(plan.recordIndex[r]!) ? column[plan.recordIndex[r]!]! : Number.NaN);
      }
    }
  }
  return {
    chunk,
    runs: end - first,
    failed,
    failures,
    moments,
    digests: digests.map((d) => d.state()),
    samples,
    records: { runs: Int32Array.from(recordRuns), parameters: Float64Array.from(recordParams), outputs: Float64Array.from(recordOutputs) },
  };
}
