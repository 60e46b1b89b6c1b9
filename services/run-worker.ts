/** Worker-thread entry for the run service: keeps simulation off the thread that serves the UI. */
import { parentPort } from 'node:worker_threads';
import type { ChunkResult, DataTableData } from '../engine/src/index.js';
import { checkJob, runJob, type RunJob, type RunJobResult } from './run-job.js';
import { describeJob, scenarioJob, validateScenariosJob, type ScenarioJob, type ScenarioJobResult } from './scenario-job.js';
import { chunkJob, planJob, type SensitivityJob, type SensitivityPlanReply } from './sensitivity-job.js';

export type WorkerRequest =
  | { readonly id: number; readonly kind: 'run'; readonly job: RunJob }
  | { readonly id: number; readonly kind: 'check'; readonly text: string; readonly file: string }
  | { readonly id: number; readonly kind: 'scenarios'; readonly job: ScenarioJob; readonly validateOnly?: boolean }
  | { readonly id: number; readonly kind: 'describe'; readonly text: string; readonly file: string; readonly dataTables?: Readonly<Record<string, DataTableData>> }
  | { readonly id: number; readonly kind: 'sensitivity-plan'; readonly job: SensitivityJob }
  | { readonly id: number; readonly kind: 'sensitivity-chunk'; readonly job: SensitivityJob; readonly chunk: number };

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly kind: 'run'; readonly result: RunJobResult }
  | { readonly id: number; readonly ok: true; readonly kind: 'check'; readonly diagnostics: RunJobResult['diagnostics'] }
  | { readonly id: number; readonly ok: true; readonly kind: 'scenarios'; readonly result: ScenarioJobResult }
  | { readonly id: number; readonly ok: true; readonly kind: 'describe'; readonly result: ReturnType<typeof describeJob> }
  | { readonly id: number; readonly ok: true; readonly kind: 'sensitivity-plan'; readonly result: SensitivityPlanReply }
  | { readonly id: number; readonly ok: true; readonly kind: 'sensitivity-chunk'; readonly result: ChunkResult }
  | { readonly id: number; readonly ok: false; readonly message: string };

const port = parentPort;
if (!port) throw new Error('run-worker.js must be started as a worker thread.');

port.on('message', (request: WorkerRequest) => {
  try {
    switch (request.kind) {
      case 'check':
        port.postMessage({ id: request.id, ok: true, kind: 'check', diagnostics: checkJob(request.text, request.file) } satisfies WorkerReply);
        return;
      case 'run': {
        const result = runJob(request.job);
        // Hand the arrays over instead of copying them.
        const buffers = [result.times.buffer, ...result.series.map((s) => s.values.buffer)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
        port.postMessage({ id: request.id, ok: true, kind: 'run', result } satisfies WorkerReply, [...new Set(buffers)]);
        return;
      }
      case 'scenarios': {
        const result: ScenarioJobResult = request.validateOnly ? { ...validateScenariosJob(request.job), runs: [] } : scenarioJob(request.job);
        port.postMessage({ id: request.id, ok: true, kind: 'scenarios', result } satisfies WorkerReply);
        return;
      }
      case 'describe':
        port.postMessage({ id: request.id, ok: true, kind: 'describe', result: describeJob(request.text, request.file, request.dataTables) } satisfies WorkerReply);
        return;
      case 'sensitivity-plan':
        port.postMessage({ id: request.id, ok: true, kind: 'sensitivity-plan', result: planJob(request.job) } satisfies WorkerReply);
        return;
      case 'sensitivity-chunk':
        port.postMessage({ id: request.id, ok: true, kind: 'sensitivity-chunk', result: chunkJob(request.job, request.chunk) } satisfies WorkerReply);
        return;
    }
  } catch (err) {
    port.postMessage({ id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
  }
});
