/**
 * The editor's analysis worker: parses and checks the model text off the UI thread.
 * Receives `{ id, text, file? }`, answers `{ id, analysis }` (plain JSON) or `{ id, error }`.
 * Bundled on its own (scripts/build-ui.mjs → dist/renderer/analysis.worker.js).
 */
import type { AnalysisRequest, AnalysisResponse } from './analysis-client.js';
import { analyse } from './language-service.js';

interface WorkerScope {
  onmessage: ((event: { readonly data: AnalysisRequest }) => void) | null;
  postMessage(message: AnalysisResponse): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { id, text, file } = event.data;
  let response: AnalysisResponse;
  try {
    response = { id, analysis: analyse(text, file) };
  } catch (err) {
    response = { id, error: err instanceof Error ? err.message : String(err) };
  }
  scope.postMessage(response);
};
