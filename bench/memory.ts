import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { simulate } from '../engine/src/index.js';
import { chain } from './models.js';
import { compileMdl } from './ours.js';

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

export interface PerValue {
  readonly values: number;
  readonly bytes: number;
  readonly perValue: number;
}

/**
 * Bytes a full run's result holds per stored value (series objects, names and typed arrays
 * together), measured as what the JavaScript heap plus array buffers shrink by when it is dropped, in
 * a fresh process (in a process that has run other benchmarks, garbage still pending skews it).
 */
export function bytesPerStoredValue(stocks: number): PerValue {
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', child(), 'per-value', String(stocks)], { encoding: 'utf8', maxBuffer: 1 << 20 })) as PerValue;
}

/** The measurement itself (run by bench/peak.ts in its own process). */
export function measurePerValue(stocks: number): PerValue {
  if (!(globalThis as { gc?: unknown }).gc) throw new Error('run with node --expose-gc');
  const model = compileMdl(chain(stocks, 100, 0.125, 'dt').mdl);
  simulate(model); // first run: lazily built per-model tables are not the result's
  // What the result holds is what is freed when it is dropped: measured that way round, a buffer the
  // kernel keeps between runs (and may hand to a result) cannot hide in the baseline.
  let result: ReturnType<typeof simulate> | undefined = simulate(model);
  const values = result.series.length * result.times.length;
  gc();
  const held = used();
  result = undefined;
  gc();
  const bytes = held - used();
  return { values, bytes, perValue: bytes / values };
}

export interface Peak {
  readonly equations: number;
  /** Peak resident memory of a process that compiles and runs the model (kilobytes → MB). */
  readonly peakRssMB: number;
  /** JavaScript heap in use once the model is compiled, and after its run. */
  readonly heapAfterCompileMB: number;
  readonly heapAfterRunMB: number;
}

/** Peak memory for compiling and running a model of `equations`, in a fresh process. */
export function peakMemory(equations: number): Peak {
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', child(), 'peak', String(equations)], { encoding: 'utf8' })) as Peak;
}

const child = (): string => fileURLToPath(new URL('./peak.js', import.meta.url));
