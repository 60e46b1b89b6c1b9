import type { Simulatable } from '../sim/simulate.js';
import { SensitivityAccumulator } from './accumulate.js';
import { runChunk } from './chunk.js';
import { planSensitivity, type PlanOptions } from './plan.js';
import type { SensitivityResult } from './results.js';
import type { SpecProblem } from './spec.js';

export interface InProcessProgress {
  readonly runsDone: number;
  readonly runsTotal: number;
  readonly failedRuns: number;
}

export interface RunSensitivityOptions extends PlanOptions {
  readonly onProgress?: (progress: InProcessProgress) => void;
  /** Checked between chunks: true stops the analysis, which then reports what it completed. */
  readonly shouldStop?: () => boolean;
}

/**
 * Runs a whole analysis in this thread, chunk after chunk: for tests, scripts and small jobs. The
 * services run the same chunks in worker threads (services/sensitivity-service.ts) with the same
 * results.
 */
export function runSensitivity(model: Simulatable, spec: unknown, options: RunSensitivityOptions = {}): { readonly result?: SensitivityResult; readonly problems: readonly SpecProblem[] } {
  const { plan, problems } = planSensitivity(model, spec, options);
  if (!plan) return { problems };
  const acc = new SensitivityAccumulator(plan);
  for (let chunk = 0; chunk < plan.chunks; chunk++) {
    if (options.shouldStop?.()) break;
    acc.add(runChunk(model, plan, chunk));
    options.onProgress?.({ runsDone: acc.runsDone, runsTotal: plan.runs, failedRuns: acc.failedRuns });
  }
  return { result: acc.finish(), problems: [] };
}
