/**
 * A pool of worker threads that compile and run models, so a long run never blocks the process
 * that answers the UI, and several runs (scenarios, the user editing while a run finishes) proceed
 * side by side. A worker that dies is replaced; its job fails with a clear message.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ChunkResult, DataTableData, Diagnostic } from '../engine/src/index.js';
import type { RunJob, RunJobResult } from './run-job.js';
import type { WorkerReply, WorkerRequest } from './run-worker.js';
import type { ScenarioJob, ScenarioJobResult } from './scenario-job.js';
import type { SensitivityJob, SensitivityPlanReply } from './sensitivity-job.js';

/** A request without its id (the service numbers them). */
type JobBody = WorkerRequest extends infer R ? (R extends { readonly id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  readonly body: JobBody;
  readonly resolve: (reply: WorkerReply) => void;
  readonly reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy?: { readonly id: number; readonly pending: Pending };
}

export interface RunServiceOptions {
  /** Number of worker threads (default: the machine's cores, at most 4). */
  readonly workers?: number;
  /** The compiled run-worker.js (default: next to this module). */
  readonly workerUrl?: URL;
}

/** What each kind of request answers with. */
type ReplyValue<K> = Extract<WorkerReply, { kind: K; ok: true }> extends infer R ? (R extends { diagnostics: infer D } ? D : R extends { result: infer V } ? V : never) : never;

export class RunService {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly workerUrl: URL;

  constructor(options: RunServiceOptions = {}) {
    this.workerUrl = options.workerUrl ?? new URL('./run-worker.js', import.meta.url);
    const count = Math.max(1, options.workers ?? Math.min(4, availableParallelism()));
    for (let i = 0; i < count; i++) this.slots.push({ worker: this.spawn() });
  }

  get workerCount(): number {
    return this.slots.length;
  }

  async run(job: RunJob): Promise<RunJobResult> {
    return this.ask({ kind: 'run', job }, 'run', 'The run failed');
  }

  async check(text: string, file: string): Promise<readonly Diagnostic[]> {
    return this.ask({ kind: 'check', text, file }, 'check', 'Checking the model failed');
  }

  /** Runs (or with validateOnly, only checks) scenarios of a model and compares them. */
  async scenarios(job: ScenarioJob, validateOnly = false): Promise<ScenarioJobResult> {
    return this.ask({ kind: 'scenarios', job, validateOnly }, 'scenarios', 'Running the scenarios failed');
  }

  /** A model's parameters (with their values), outputs, graphs (with their points) and saved times. */
  async describe(text: string, file: string, dataTables?: Readonly<Record<string, DataTableData>>): Promise<ReplyValue<'describe'>> {
    return this.ask({ kind: 'describe', text, file, ...(dataTables ? { dataTables } : {}) }, 'describe', 'Describing the model failed');
  }

  async sensitivityPlan(job: SensitivityJob): Promise<SensitivityPlanReply> {
    return this.ask({ kind: 'sensitivity-plan', job }, 'sensitivity-plan', 'Planning the analysis failed');
  }

  async sensitivityChunk(job: SensitivityJob, chunk: number): Promise<ChunkResult> {
    return this.ask({ kind: 'sensitivity-chunk', job, chunk }, 'sensitivity-chunk', 'A chunk of the analysis failed');
  }

  private async ask<K extends Extract<WorkerReply, { ok: true }>['kind']>(body: JobBody, kind: K, failure: string): Promise<ReplyValue<K>> {
    const reply = await this.submit(body);
    if (!reply.ok) throw new Error(`${failure}: ${reply.message}`);
    if (reply.kind !== kind) throw new Error('The run worker answered a different request.');
    const r = reply as Extract<WorkerReply, { kind: K }>;
    return ('diagnostics' in r ? r.diagnostics : (r as { result: unknown }).result) as ReplyValue<K>;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('The run service was closed.'));
    await Promise.all(this.slots.map(async (slot) => {
      slot.busy?.pending.reject(new Error('The run service was closed.'));
      slot.busy = undefined;
      await slot.worker.terminate();
    }));
  }

  private submit(body: JobBody): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new Error('The run service is closed.'));
    return new Promise<WorkerReply>((resolve, reject) => {
      this.queue.push({ body, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const pending = this.queue.shift();
      if (!pending) return;
      const id = this.nextId++;
      slot.busy = { id, pending };
      // A busy worker keeps the process alive until its answer arrives; an idle one does not.
      slot.worker.ref();
      slot.worker.postMessage({ id, ...pending.body } as WorkerRequest);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(this.workerUrl);
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const slot = this.slots.find((s) => s.worker === worker);
      if (!slot?.busy || slot.busy.id !== reply.id) return;
      const { pending } = slot.busy;
      slot.busy = undefined;
      worker.unref();
      pending.resolve(reply);
      this.pump();
    });
    const replace = (why: string): void => {
      const slot = this.slots.find((s) => s.worker === worker);
      if (!slot) return;
      const pending = slot.busy?.pending;
      slot.busy = undefined;
      pending?.reject(new Error(`The simulation worker stopped (${why}).`));
      if (this.closed) return;
      slot.worker = this.spawn();
      this.pump();
    };
    worker.on('error', (err) => replace(err.message));
    worker.on('exit', (code) => { if (!this.closed) replace(`exit code ${code}`); });
    return worker;
  }
}
