/**
 * Sensitivity analyses as background jobs over the run service's worker threads. A job is planned
 * in a worker (the model compiled, the spec checked), then its chunks are handed out a few at a
 * time, so every core is busy while ordinary runs (the editor's auto-run) still get a worker
 * between chunks. Chunk results are merged in chunk order, so the numbers are the same for any
 * number of workers. Callers poll `status` (the browser talks request/response) or pass a listener.
 */
import { randomUUID } from 'node:crypto';
import { SensitivityAccumulator, type SensitivityPlan, type SensitivityResult } from '../engine/src/index.js';
import type { SensitivityProgress, SensitivityStartOutput } from './api.js';
import type { RunService } from './run-service.js';
import type { SensitivityJob } from './sensitivity-job.js';

export type SensitivityJobState = SensitivityProgress['state'];

/** A job's progress as the API reports it (the workbench adds where it stored the results). */
export type SensitivityStatus = Omit<SensitivityProgress, 'storedId'>;

/** What to analyse: a job without its key (the service makes one). */
export type SensitivityRequest = Omit<SensitivityJob, 'key'>;

export type SensitivityStart = SensitivityStartOutput;

export interface SensitivityServiceOptions {
  /** Finished jobs kept for their results (oldest forgotten first). */
  readonly keepFinished?: number;
  /** Chunks in flight per worker: more than one hides the round trip between chunks. */
  readonly chunksPerWorker?: number;
}

interface Job {
  readonly id: string;
  readonly request: SensitivityJob;
  readonly plan: SensitivityPlan;
  readonly acc: SensitivityAccumulator;
  readonly started: number;
  readonly listener?: (status: SensitivityStatus) => void;
  readonly finished: Promise<void>;
  state: SensitivityJobState;
  ended?: number;
  message?: string;
  result?: SensitivityResult;
  resolve: () => void;
}

export class SensitivityService {
  private readonly jobs = new Map<string, Job>();
  private readonly keepFinished: number;
  private readonly chunksPerWorker: number;

  constructor(private readonly runs: RunService, options: SensitivityServiceOptions = {}) {
    this.keepFinished = options.keepFinished ?? 20;
    this.chunksPerWorker = options.chunksPerWorker ?? 2;
  }

  /** Plans the analysis and starts it; problems with the model, spec or scenario come back at once. */
  async start(request: SensitivityRequest, listener?: (status: SensitivityStatus) => void): Promise<SensitivityStart> {
    const job: SensitivityJob = { key: randomUUID(), ...request };
    const planned = await this.runs.sensitivityPlan(job);
    if (!planned.ok) return planned;
    let resolve = (): void => {};
    const finished = new Promise<void>((r) => (resolve = r));
    const entry: Job = {
      id: job.key, request: job, plan: planned.plan, acc: new SensitivityAccumulator(planned.plan), started: performance.now(),
      finished, state: 'running', resolve, ...(listener ? { listener } : {}),
    };
    this.jobs.set(entry.id, entry);
    this.forgetOld();
    void this.dispatch(entry);
    return { ok: true, jobId: entry.id, runsTotal: planned.plan.runs, diagnostics: planned.diagnostics };
  }

  status(jobId: string): SensitivityStatus {
    return statusOf(this.job(jobId));
  }

  /** Stops handing out chunks; the results cover the chunks finished so far. */
  cancel(jobId: string): SensitivityStatus {
    const job = this.job(jobId);
    if (job.state === 'running') this.finish(job, 'cancelled');
    return statusOf(job);
  }

  /** The results once the job has finished (done or cancelled); undefined while it runs or if it failed. */
  result(jobId: string): SensitivityResult | undefined {
    return this.job(jobId).result;
  }

  /** The spec and request that produced a job (to store with its results). */
  request(jobId: string): SensitivityJob {
    return this.job(jobId).request;
  }

  /** Waits until the job finishes; resolves with its status. */
  async wait(jobId: string): Promise<SensitivityStatus> {
    const job = this.job(jobId);
    await job.finished;
    return statusOf(job);
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** Cancels every running job (the service's workers belong to the run service). */
  close(): void {
    for (const job of this.jobs.values()) if (job.state === 'running') this.finish(job, 'cancelled');
  }

  private job(jobId: string): Job {
    const job = typeof jobId === 'string' ? this.jobs.get(jobId) : undefined;
    if (!job) throw new SensitivityJobError(`There is no sensitivity job "${String(jobId).slice(0, 60)}" (it may have finished long ago or the workbench restarted).`);
    return job;
  }

  /** Keeps up to chunksPerWorker × workers chunks in flight until every chunk is out. */
  private async dispatch(job: Job): Promise<void> {
    let next = 0;
    const window = Math.max(1, this.runs.workerCount * this.chunksPerWorker);
    const worker = async (): Promise<void> => {
      while (job.state === 'running' && next < job.plan.chunks) {
        const chunk = next++;
        const result = await this.runs.sensitivityChunk(job.request, chunk);
        if (job.state !== 'running') return; // cancelled meanwhile: this chunk is not counted
        job.acc.add(result);
        job.listener?.(statusOf(job));
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(window, job.plan.chunks) }, worker));
      if (job.state === 'running') this.finish(job, 'done');
    } catch (err) {
      if (job.state === 'running') this.finish(job, 'failed', err instanceof Error ? err.message : String(err));
    }
  }

  private finish(job: Job, state: SensitivityJobState, message?: string): void {
    job.state = state;
    job.ended = performance.now();
    if (message !== undefined) job.message = message;
    if (state !== 'failed') job.result = job.acc.finish();
    job.listener?.(statusOf(job));
    job.resolve();
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.delete(j.id);
  }
}

/** A job id that is not (or no longer) known. */
export class SensitivityJobError extends Error {
  override readonly name = 'SensitivityJobError';
}

function statusOf(job: Job): SensitivityStatus {
  const elapsedMs = (job.ended ?? performance.now()) - job.started;
  const runsDone = job.acc.runsDone;
  const runsPerSecond = elapsedMs > 0 ? (runsDone * 1000) / elapsedMs : 0;
  const etaMs = job.state === 'running' && runsPerSecond > 0 ? ((job.plan.runs - runsDone) * 1000) / runsPerSecond : null;
  return {
    jobId: job.id,
    state: job.state,
    runsDone,
    runsTotal: job.plan.runs,
    failedRuns: job.acc.failedRuns,
    elapsedMs,
    runsPerSecond,
    etaMs,
    ...(job.message ? { message: job.message } : {}),
  };
}
