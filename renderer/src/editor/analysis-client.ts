/**
 * The UI thread's side of the analysis worker: posts the editor's text, keeps only the answer for
 * the latest text, and holds it for the completion, hover and definition providers.
 *
 * At most one request is in the worker at a time; text typed meanwhile waits (only the newest),
 * so a fast typist never builds a queue of stale analyses. No DOM types: the worker is reached
 * through the small `WorkerLike` interface, so this also runs under Node with a stand-in.
 */
import type { Analysis } from './language-service.js';

export interface AnalysisRequest {
  readonly id: number;
  readonly text: string;
  readonly file?: string;
}

export type AnalysisResponse = { readonly id: number; readonly analysis: Analysis } | { readonly id: number; readonly error: string };

/** What the client needs of a Web Worker. */
export interface WorkerLike {
  postMessage(message: AnalysisRequest): void;
  addEventListener(type: 'message' | 'error', listener: (event: { readonly data?: unknown; readonly message?: string }) => void): void;
  terminate(): void;
}

/** The bundled worker script (dist/renderer/analysis.worker.js, next to the page). */
export const ANALYSIS_WORKER_URL = 'analysis.worker.js';

export function createAnalysisWorker(url = ANALYSIS_WORKER_URL): WorkerLike {
  const WorkerClass = (globalThis as unknown as { Worker?: new (url: string, options?: { name?: string }) => WorkerLike }).Worker;
  if (!WorkerClass) throw new Error('Web Workers are not available here.');
  return new WorkerClass(url, { name: 'cwm-analysis' });
}

export type AnalysisListener = (analysis: Analysis, text: string) => void;

export class AnalysisClient {
  private readonly worker: WorkerLike;
  private nextId = 1;
  /** Id of the newest `update`: only its answer is kept. */
  private newest = 0;
  private inFlight: { readonly id: number; readonly text: string } | undefined;
  private waiting: { readonly id: number; readonly text: string } | undefined;
  private readonly resolvers = new Map<number, (analysis: Analysis | undefined) => void>();
  private readonly listeners = new Set<AnalysisListener>();
  private current: { readonly analysis: Analysis; readonly text: string } | undefined;
  private disposed = false;
  /** The last failure reported by the worker, if any (for diagnosis; the editor carries on). */
  lastError: string | undefined;

  constructor(worker: WorkerLike = createAnalysisWorker(), private readonly file = 'model.cwm') {
    this.worker = worker;
    worker.addEventListener('message', (event) => this.receive(event.data as AnalysisResponse));
    worker.addEventListener('error', (event) => this.fail(event.message ?? 'the analysis worker failed'));
  }

  /** The analysis of the newest text answered so far (possibly of a slightly older text than the editor's). */
  get latest(): Analysis | undefined {
    return this.current?.analysis;
  }

  /** The text `latest` is the analysis of. */
  get latestText(): string | undefined {
    return this.current?.text;
  }

  /**
   * Asks for an analysis of `text`. Resolves with it, or with undefined when newer text arrived
   * before the answer (that answer is dropped) or the worker failed.
   */
  update(text: string): Promise<Analysis | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    const id = this.nextId++;
    this.newest = id;
    const promise = new Promise<Analysis | undefined>((resolve) => this.resolvers.set(id, resolve));
    if (this.waiting) this.settle(this.waiting.id, undefined);
    if (this.inFlight) this.waiting = { id, text };
    else this.send({ id, text });
    return promise;
  }

  /** Calls `listener` with every analysis kept; returns a function that stops it. */
  onAnalysis(listener: AnalysisListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.worker.terminate();
    for (const id of [...this.resolvers.keys()]) this.settle(id, undefined);
    this.listeners.clear();
    this.inFlight = undefined;
    this.waiting = undefined;
  }

  private send(request: { readonly id: number; readonly text: string }): void {
    this.inFlight = request;
    this.worker.postMessage({ id: request.id, text: request.text, file: this.file });
  }

  private receive(response: AnalysisResponse | undefined): void {
    if (this.disposed || !response || response.id !== this.inFlight?.id) return; // not ours, or already given up on
    const { text } = this.inFlight;
    this.inFlight = undefined;
    if (this.waiting) {
      const next = this.waiting;
      this.waiting = undefined;
      this.send(next);
    }
    if ('error' in response) {
      this.lastError = response.error;
      this.settle(response.id, undefined);
      return;
    }
    if (response.id !== this.newest) {
      this.settle(response.id, undefined); // stale: newer text is on its way
      return;
    }
    this.current = { analysis: response.analysis, text };
    for (const listener of [...this.listeners]) listener(response.analysis, text);
    this.settle(response.id, response.analysis);
  }

  private fail(message: string): void {
    this.lastError = message;
    const failed = this.inFlight;
    this.inFlight = undefined;
    if (failed) this.settle(failed.id, undefined);
    if (this.waiting && !this.disposed) {
      const next = this.waiting;
      this.waiting = undefined;
      this.send(next);
    }
  }

  private settle(id: number, analysis: Analysis | undefined): void {
    const resolve = this.resolvers.get(id);
    this.resolvers.delete(id);
    resolve?.(analysis);
  }
}
