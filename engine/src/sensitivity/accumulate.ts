import { MAX_FAILURES_KEPT, type ChunkFailure, type ChunkRecords, type ChunkResult, type ChunkSample } from './chunk.js';
import { pearson, spearman } from './correlation.js';
import { cellMoments, mergeMoments, newMoments } from './moments.js';
import type { SensitivityPlan } from './plan.js';
import type { Correlation, OutputStatistics, ScatterData, SensitivityResult, Sweep, TornadoResult } from './results.js';
import { TDigest } from './tdigest.js';

/**
 * Combines chunk results into the statistics of the whole analysis. Chunks may arrive in any
 * order (workers finish when they finish) but are merged strictly in chunk-index order, holding
 * early arrivals back, so the result is the same bit for bit whatever the number of workers.
 */
export class SensitivityAccumulator {
  private readonly moments: Float64Array;
  private readonly digests: TDigest[];
  private readonly pending = new Map<number, ChunkResult>();
  private readonly seen = new Set<number>();
  private readonly failures: ChunkFailure[] = [];
  private readonly samples: ChunkSample[] = [];
  private readonly records: ChunkRecords[] = [];
  private next = 0;
  private received = 0;
  private failedCount = 0;
  private finished = false;

  constructor(readonly plan: SensitivityPlan) {
    const cells = plan.outputs.length * plan.reportIndex.length;
    this.moments = newMoments(cells);
    this.digests = Array.from({ length: cells }, () => new TDigest(plan.compression));
  }

  /** Runs in the chunks received so far (completed or failed). */
  get runsDone(): number {
    return this.received;
  }

  get failedRuns(): number {
    return this.failedCount;
  }

  add(result: ChunkResult): void {
    if (this.finished) throw new Error('The analysis is finished; no more chunks can be added.');
    if (!(result.chunk >= 0 && result.chunk < this.plan.chunks) || this.seen.has(result.chunk)) throw new Error(`Chunk ${result.chunk} is not expected here.`);
    this.seen.add(result.chunk);
    this.received += result.runs;
    this.failedCount += result.failed;
    this.pending.set(result.chunk, result);
    for (let c = this.pending.get(this.next); c; c = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      this.merge(c);
      this.next++;
    }
  }

  /**
   * The results of every chunk received. After a cancellation some chunks are missing; those
   * received are still merged in index order, so a cancelled analysis is reproducible too.
   */
  finish(): SensitivityResult {
    if (!this.finished) {
      for (const index of [...this.pending.keys()].sort((a, b) => a - b)) this.merge(this.pending.get(index)!);
      this.pending.clear();
      this.finished = true;
    }
    const plan = this.plan;
    const records = joinRecords(this.records);
    const row = new Map<number, number>();
    records.runs.forEach((run, i) => row.set(run, i));
    const nRec = plan.recordIndex.length;
    const nOut = plan.outputs.length;
    const recorded = (run: number, output: number, time: number): number | null => {
      const i = row.get(run);
      return i === undefined ? null : nul(records.outputs[(i * nOut + output) * nRec + time]!);
    };
    const scatter = (plan.method === 'mc' || plan.method === 'lhs') && nRec > 0 ? scatterData(plan, records) : undefined;
    return {
      method: plan.method,
      seed: plan.seed,
      complete: this.seen.size === plan.chunks,
      plannedRuns: plan.runs,
      completedRuns: this.received - this.failedCount,
      failedRuns: this.failedCount,
      failures: this.failures.slice(0, MAX_FAILURES_KEPT).map((f) => ({ run: f.run, parameters: Array.from(f.parameters, nul), message: f.message })),
      ...(plan.timeUnit ? { timeUnit: plan.timeUnit } : {}),
      parameters: plan.parameters.map((p) => ({ name: p.name, variable: p.variable, elements: p.labels, base: p.base, scale: p.scale, description: p.description })),
      times: plan.reportTimes,
      percentiles: plan.percentiles,
      outputs: this.outputStatistics(),
      savedTimes: plan.savedTimes,
      samples: this.samples.map((s) => ({
        run: s.run,
        parameters: Array.from(s.parameters, nul),
        series: plan.outputs.map((o, i) => ({ name: o.name, values: Array.from(s.values.subarray(i * plan.savedTimes.length, (i + 1) * plan.savedTimes.length), nul) })),
      })),
      ...(scatter ? { scatter } : {}),
      correlations: scatter ? correlations(scatter) : [],
      ...(plan.method === 'tornado' && plan.tornado ? { tornado: tornadoResult(plan, recorded) } : {}),
      ...(plan.method === 'oat' ? { sweeps: sweeps(plan, recorded) } : {}),
    };
  }

  private merge(c: ChunkResult): void {
    mergeMoments(this.moments, c.moments);
    c.digests.forEach((d, i) => this.digests[i]!.merge(d));
    if (this.failures.length < MAX_FAILURES_KEPT) this.failures.push(...c.failures);
    this.samples.push(...c.samples);
    if (c.records.runs.length > 0) this.records.push(c.records);
  }

  private outputStatistics(): OutputStatistics[] {
    const plan = this.plan;
    const nReport = plan.reportIndex.length;
    return plan.outputs.map((o, oi) => {
      const cells = Array.from({ length: nReport }, (_, j) => oi * nReport + j);
      const m = cells.map((c) => cellMoments(this.moments, c));
      return {
        name: o.name,
        variable: o.variable,
        ...(o.units === undefined ? {} : { units: o.units }),
        count: m.map((x) => x.count),
        mean: m.map((x) => x.mean),
        sd: m.map((x) => x.sd),
        min: m.map((x) => x.min),
        max: m.map((x) => x.max),
        percentiles: plan.percentiles.map((p) => ({ p, values: cells.map((c) => nul(this.digests[c]!.quantile(p / 100))) })),
      };
    });
  }
}

function scatterData(plan: SensitivityPlan, records: ChunkRecords): ScatterData {
  const n = records.runs.length;
  const nP = plan.parameters.length;
  const nOut = plan.outputs.length;
  const nRec = plan.recordIndex.length;
  return {
    runs: Array.from(records.runs),
    parameters: plan.parameters.map((p, pi) => ({ name: p.name, values: Array.from({ length: n }, (_, i) => nul(records.parameters[i * nP + pi]!)) })),
    outputs: plan.outputs.flatMap((o, oi) => plan.recordTimes.map((time, r) => ({
      name: o.name,
      time,
      values: Array.from({ length: n }, (_, i) => nul(records.outputs[(i * nOut + oi) * nRec + r]!)),
    }))),
  };
}

/** Pearson and Spearman of every parameter with every output column, over runs where both exist. */
function correlations(scatter: ScatterData): Correlation[] {
  const out: Correlation[] = [];
  for (const p of scatter.parameters) {
    for (const o of scatter.outputs) {
      const xs: number[] = [];
      const ys: number[] = [];
      p.values.forEach((x, i) => {
        const y = o.values[i];
        if (x !== null && y !== null && y !== undefined) {
          xs.push(x);
          ys.push(y);
        }
      });
      out.push({ parameter: p.name, output: o.name, time: o.time, pearson: pearson(xs, ys), spearman: spearman(xs, ys) });
    }
  }
  return out;
}

type Recorded = (run: number, output: number, time: number) => number | null;

/** Run 0 is the base; parameter p is low in run 2p+1 and high in run 2p+2. Ranked by swing. */
function tornadoResult(plan: SensitivityPlan, recorded: Recorded): TornadoResult {
  const { output, time } = plan.tornado!;
  const bars = plan.parameters.map((p, i) => {
    const outputLow = recorded(2 * i + 1, output, time);
    const outputHigh = recorded(2 * i + 2, output, time);
    return { parameter: p.name, low: p.values![0]!, high: p.values![1]!, outputLow, outputHigh, swing: outputLow === null || outputHigh === null ? null : Math.abs(outputHigh - outputLow) };
  });
  // Largest swing first; failed runs last; ties keep the spec's order.
  const order = bars.map((_, i) => i).sort((a, b) => (bars[b]!.swing ?? -1) - (bars[a]!.swing ?? -1) || a - b);
  return {
    output: plan.outputs[output]!.name,
    time: plan.recordTimes[time]!,
    base: recorded(0, output, time),
    bars: order.map((i, rank) => ({ ...bars[i]!, rank: rank + 1 })),
  };
}

function sweeps(plan: SensitivityPlan, recorded: Recorded): Sweep[] {
  return plan.parameters.map((p, pi) => ({
    parameter: p.name,
    values: p.values!,
    outputs: plan.outputs.flatMap((o, oi) => plan.recordTimes.map((time, r) => ({
      name: o.name,
      time,
      base: recorded(0, oi, r),
      values: p.values!.map((_, k) => recorded(plan.sweepStarts[pi]! + k, oi, r)),
    }))),
  }));
}

function joinRecords(parts: readonly ChunkRecords[]): ChunkRecords {
  const join = <T extends Int32Array | Float64Array>(make: (n: number) => T, pick: (r: ChunkRecords) => T): T => {
    const out = make(parts.reduce((n, r) => n + pick(r).length, 0));
    let at = 0;
    for (const r of parts) {
      out.set(pick(r), at);
      at += pick(r).length;
    }
    return out;
  };
  return {
    runs: join((n) => new Int32Array(n), (r) => r.runs),
    parameters: join((n) => new Float64Array(n), (r) => r.parameters),
    outputs: join((n) => new Float64Array(n), (r) => r.outputs),
  };
}

function nul(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
