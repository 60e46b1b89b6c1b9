/**
 * One simulation job, as run inside a worker thread: text → compiled model (cached by text, so
 * auto-run on unchanged text and repeated scenario runs skip the compiler) → run → plain arrays.
 */
import { compileSource, ModelInputError, simulate, type CompileResult, type DataTableData, type Diagnostic } from '../engine/src/index.js';
import type { RunSettings } from './api.js';

export interface RunJob {
  readonly text: string;
  readonly file: string;
  readonly settings: RunSettings;
  readonly overrides?: Readonly<Record<string, number | readonly number[]>>;
  readonly variables?: readonly string[];
  /** The data tables the model's graphs read, by name, and a key that changes when any of them does. */
  readonly tables?: Readonly<Record<string, DataTableData>>;
  readonly tablesKey?: string;
}

export interface JobSeries {
  readonly name: string;
  readonly variable: string;
  /** stock, flow, aux, const or graph: what the chart shows first, how the diagram draws it. */
  readonly kind?: string;
  readonly units?: string;
  readonly values: Float64Array;
}

export interface RunJobResult {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly message?: string;
  readonly method?: RunSettings['method'];
  readonly dt?: number;
  readonly timeUnit?: string;
  readonly times: Float64Array;
  readonly series: readonly JobSeries[];
  readonly nonFinite?: { readonly variable: string; readonly time: number; readonly message: string };
}

const CACHE_SIZE = 4;
const compiled = new Map<string, CompileResult>();

export function compileCached(text: string, file: string, tables?: Readonly<Record<string, DataTableData>>, tablesKey?: string): CompileResult {
  // A table re-imported under the same name must not hit the old compilation: key by contents.
  const key = `${file}\u0000${tablesKey ?? (tables && Object.keys(tables).length ? JSON.stringify(tables) : '')}\u0000${text}`;
  const hit = compiled.get(key);
  if (hit) {
    // Most recently used last, so the oldest is evicted first.
    compiled.delete(key);
    compiled.set(key, hit);
    return hit;
  }
  const byName = new Map(Object.entries(tables ?? {}).map(([n, t]) => [n.trim().toLowerCase(), t]));
  const result = compileSource(text, file, tables ? { dataTables: (name) => byName.get(name.trim().toLowerCase()) } : {});
  compiled.set(key, result);
  if (compiled.size > CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  return result;
}

export function checkJob(text: string, file: string): readonly Diagnostic[] {
  return compileCached(text, file).diagnostics;
}

export function runJob(job: RunJob): RunJobResult {
  const empty = { times: new Float64Array(0), series: [] };
  const result = compileCached(job.text, job.file, job.tables, job.tablesKey);
  if (!result.model) return { ok: false, diagnostics: result.diagnostics, message: 'The model has errors: fix them to run it.', ...empty };
  const { settings } = job;
  try {
    const run = simulate(result.model, {
      ...(settings.method ? { method: settings.method } : {}),
      ...(settings.dt !== undefined ? { dt: settings.dt } : {}),
      ...(settings.saveEvery !== undefined ? { saveEvery: settings.saveEvery } : {}),
      ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
      ...(job.overrides ? { overrides: job.overrides } : {}),
      ...(job.variables ? { vars: job.variables } : {}),
    });
    const timeUnit = result.model.ir.sim.timeUnit;
    const kinds = new Map(result.model.checked.variables.map((v) => [v.name, v.kind]));
    return {
      ok: true,
      diagnostics: result.diagnostics,
      method: run.method,
      dt: run.dt,
      ...(timeUnit ? { timeUnit } : {}),
      times: run.times,
      series: run.series.map((s) => ({ name: s.name, variable: s.variable, ...(kinds.has(s.variable) ? { kind: kinds.get(s.variable)! } : {}), ...(s.units ? { units: s.units } : {}), values: s.values })),
      ...(run.error ? { nonFinite: { variable: run.error.variable, time: run.error.time, message: run.error.message } } : {}),
    };
  } catch (err) {
    if (err instanceof ModelInputError) return { ok: false, diagnostics: result.diagnostics, message: err.message, ...empty };
    throw err;
  }
}
