/**
 * Sensitivity benchmark: runs per second of a Monte Carlo analysis of the care-pathway model
 * (intermediate care) on 1 and 2 worker threads, the 2/1 scaling ratio, and a 10,000-run Monte
 * Carlo end to end (plan, runs, statistics). Repetitions of 1 and 2 workers alternate, so both see
 * the same machine load and the ratio is measured in the same run; timings are medians with their
 * range. Run by `npm run bench` (section `sensitivity`) and by `node dist/bench/sensitivity.js`.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { compileSource, simulate } from '../engine/src/index.js';
import { RunService } from '../services/run-service.js';
import { SensitivityService } from '../services/sensitivity-service.js';

const ROOT = new URL('../../', import.meta.url);
const MODEL = new URL('resources/models/intermediate-care.cwm', ROOT);
const WORKER = new URL('./dist/services/run-worker.js', ROOT);

export interface Stats { readonly median: number; readonly min: number; readonly max: number }

const stats = (xs: readonly number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: m, min: s[0]!, max: s[s.length - 1]! };
};
const fmt = (s: Stats, digits = 0): string => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

export interface SensitivityReport {
  readonly model: string;
  readonly cores: number;
  readonly repetitions: number;
  readonly runsPerJob: number;
  readonly singleRunMs: Stats;
  readonly singleThreadRunsPerSecond: Stats;
  readonly runsPerSecond1Worker: Stats;
  readonly runsPerSecond2Workers: Stats;
  readonly scaling2over1: Stats;
  /** The same pure arithmetic on 2 threads against 1: the scaling the machine allowed meanwhile. */
  readonly machineScaling2over1: Stats;
  /** The analysis's scaling as a share of what the machine allowed (1 = as good as pure arithmetic). */
  readonly scalingEfficiency: Stats;
  /** CPU time (all threads) with 2 workers over that with 1, for the same runs: the cost of parallelism, whatever the load. */
  readonly cpuTime2over1: Stats;
  readonly coresUsed1Worker: Stats;
  readonly coresUsed2Workers: Stats;
  readonly loadAverageAtEnd: number;
  readonly monteCarloEndToEndMs2Workers: Stats;
  readonly monteCarloOverSingleRun: number;
}

export async function benchSensitivity(reps: number, runs: number): Promise<SensitivityReport> {
  const text = readFileSync(MODEL, 'utf8');
  const spec = (n: number, seed: number) => ({
    method: 'mc', runs: n, seed, outputs: ['Waiting in hospital', 'Cost of delays (NHS)', 'Long-term care admissions'],
    parameters: [
      { name: 'Intermediate care places', distribution: { kind: 'triangular', min: 60, mode: 72, max: 90 } },
      { name: 'Average length of stay', distribution: { kind: 'lognormal', mean: 4.5, sd: 1, min: 2 } },
      { name: 'Weekly discharges needing support per person', scale: true, distribution: { kind: 'normal', mean: 1, sd: 0.1 } },
      { name: 'Share to long-term care', distribution: { kind: 'uniform', min: 0.15, max: 0.25 } },
    ],
  });

  // One run in this thread: the unit everything else is measured against.
  const model = compileSource(text, 'intermediate-care.cwm').model!;
  const single: number[] = [];
  for (let r = -1; r < reps; r++) {
    const n = 300;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) simulate(model, { overrides: { 'Intermediate care places': 60 + (i % 30) }, vars: ['Waiting in hospital'] });
    if (r >= 0) single.push((performance.now() - t0) / n); // the first round warms the JIT up
  }

  const pools = new Map([1, 2].map((w) => {
    const runService = new RunService({ workers: w, workerUrl: WORKER });
    return [w, { runService, sensitivity: new SensitivityService(runService) }] as const;
  }));

  interface Timing { readonly ms: number; readonly cpuMs: number }

  /** Wall time of one analysis, and the CPU time of the whole process (every thread) meanwhile. */
  async function timeJob(workers: number, n: number, seed: number): Promise<Timing> {
    const { sensitivity } = pools.get(workers)!;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const started = await sensitivity.start({ text, file: 'intermediate-care.cwm', spec: spec(n, seed) });
    if (!started.ok) throw new Error(JSON.stringify(started));
    const status = await sensitivity.wait(started.jobId);
    if (status.state !== 'done') throw new Error(`job ended ${status.state}: ${status.message ?? ''}`);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  }

  /**
   * What the machine allows: the same fixed amount of pure arithmetic split over 1 and 2 threads.
   * On a machine shared with other work, 2 threads may get less than 2 cores; the analysis cannot
   * scale better than this, so its scaling is also reported relative to it.
   */
  const BURN = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (n) => { let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i); parentPort.postMessage(x); });`;
  const burners = [new Worker(BURN, { eval: true }), new Worker(BURN, { eval: true })];
  async function burn(threads: number): Promise<number> {
    const work = 1e8 / threads;
    const t0 = performance.now();
    await Promise.all(burners.slice(0, threads).map((w) => new Promise((done) => { w.once('message', done); w.postMessage(work); })));
    return performance.now() - t0;
  }

  // Warm up: workers started, model compiled in each, JIT settled.
  for (const w of [1, 2]) await timeJob(w, 2000, 0);

  await burn(1);
  const timings = new Map<number, Timing[]>([[1, []], [2, []]]);
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const burnRatios: number[] = [];
  for (let r = 0; r < reps; r++) {
    // Alternate the order, so neither pool always runs first after the other.
    const order = r % 2 === 0 ? [1, 2] : [2, 1];
    const t: Record<number, Timing> = {};
    const b: Record<number, number> = {};
    for (const w of order) {
      b[w] = await burn(w);
      t[w] = await timeJob(w, runs, r + 1);
    }
    timings.get(1)!.push(t[1]!);
    timings.get(2)!.push(t[2]!);
    ratios.push(t[1]!.ms / t[2]!.ms);
    cpuRatios.push(t[2]!.cpuMs / t[1]!.cpuMs);
    burnRatios.push(b[1]! / b[2]!);
  }
  for (const w of burners) await w.terminate();
  for (const { runService } of pools.values()) await runService.close();

  const singleMs = stats(single);
  const perSecond = (w: number): Stats => stats(timings.get(w)!.map((t) => (runs * 1000) / t.ms));
  const coresUsed = (w: number): Stats => stats(timings.get(w)!.map((t) => t.cpuMs / t.ms));
  const tenK = stats(timings.get(2)!.map((t) => t.ms));
  const [load1] = loadavg();
  const report: SensitivityReport = {
    model: 'resources/models/intermediate-care.cwm (416 steps of 1/4 week, DELAY conveyor)',
    cores: availableParallelism(),
    repetitions: reps,
    runsPerJob: runs,
    singleRunMs: singleMs,
    singleThreadRunsPerSecond: stats(single.map((ms) => 1000 / ms)),
    runsPerSecond1Worker: perSecond(1),
    runsPerSecond2Workers: perSecond(2),
    scaling2over1: stats(ratios),
    machineScaling2over1: stats(burnRatios),
    scalingEfficiency: stats(ratios.map((x, i) => x / burnRatios[i]!)),
    cpuTime2over1: stats(cpuRatios),
    coresUsed1Worker: coresUsed(1),
    coresUsed2Workers: coresUsed(2),
    loadAverageAtEnd: load1!,
    monteCarloEndToEndMs2Workers: tenK,
    monteCarloOverSingleRun: tenK.median / singleMs.median,
  };
  return report;
}

/** The report as printed by the benchmark. */
export function formatSensitivity(r: SensitivityReport): string {
  return [
    `Sensitivity benchmark: ${r.model}, ${r.cores} cores, ${r.repetitions} repetitions (median (min–max))`,
    `  one run in this thread            ${fmt(r.singleRunMs, 3)} ms  = ${fmt(r.singleThreadRunsPerSecond)} runs/s`,
    `  Monte Carlo, 1 worker             ${fmt(r.runsPerSecond1Worker)} runs/s`,
    `  Monte Carlo, 2 workers            ${fmt(r.runsPerSecond2Workers)} runs/s`,
    `  scaling 2 workers / 1 worker      ${fmt(r.scaling2over1, 2)}× (target ≥ 1.8×)`,
    `  the machine allowed               ${fmt(r.machineScaling2over1, 2)}× (pure arithmetic, 2 threads / 1); efficiency ${fmt(r.scalingEfficiency, 2)}`,
    `  cores used: 1 worker ${fmt(r.coresUsed1Worker, 2)}, 2 workers ${fmt(r.coresUsed2Workers, 2)}; CPU time 2w/1w ${fmt(r.cpuTime2over1, 2)}×; load average ${r.loadAverageAtEnd.toFixed(1)}`,
    `  ${r.runsPerJob.toLocaleString('en-GB')}-run Monte Carlo end to end  ${fmt(r.monteCarloEndToEndMs2Workers)} ms on 2 workers = ${r.monteCarloOverSingleRun.toFixed(0)}× one run`,
    '',
  ].join('\n');
}
