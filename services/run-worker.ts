/** Worker-thread entry for the run service: keeps simulation off the thread that serves the UI. */
import { parentPort } from 'node:worker_threads';
import { checkJob, runJob, type RunJob, type RunJobResult } from './run-job.js';

export type WorkerRequest =
  | { readonly id: number; readonly kind: 'run'; readonly job: RunJob }
  | { readonly id: number; readonly kind: 'check'; readonly text: string; readonly file: string };

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly kind: 'run'; readonly result: RunJobResult }
  | { readonly id: number; readonly ok: true; readonly kind: 'check'; readonly diagnostics: RunJobResult['diagnostics'] }
  | { readonly id: number; readonly ok: false; readonly message: string };

const port = parentPort;
if (!port) throw new Error('run-worker.js must be started as a worker thread.');

port.on('message', (request: WorkerRequest) => {
  try {
    if (request.kind === 'check') {
      port.postMessage({ id: request.id, ok: true, kind: 'check', diagnostics: checkJob(request.text, request.file) } satisfies WorkerReply);
      return;
    }
    const result = runJob(request.job);
    // Hand the arrays over instead of copying them.
    const buffers = [result.times.buffer, ...result.series.map((s) => s.values.buffer)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    port.postMessage({ id: request.id, ok: true, kind: 'run', result } satisfies WorkerReply, [...new Set(buffers)]);
  } catch (err) {
    port.postMessage({ id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
  }
});
