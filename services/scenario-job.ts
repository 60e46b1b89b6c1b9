/**
 * Scenario runs as run inside a worker thread: the base model compiled once (cached by text), each
 * scenario validated, prepared (recompiled only when it changes graph points) and run, then the
 * comparison table. A scenario that does not fit the model is reported, not run.
 */
import {
  checkScenarioShape, compareRuns, describeModel, ModelInputError, parseModel, runScenarios, validateScenario,
  type DataTableData, type Diagnostic, type ModelDescription, type ScenarioComparison, type ScenarioDefinition, type ScenarioProblem,
} from '../engine/src/index.js';
import type { RunSettings } from './api.js';
import { compileCached, type JobSeries } from './run-job.js';

export interface ScenarioJob {
  readonly text: string;
  readonly file: string;
  readonly scenarios: readonly unknown[];
  readonly settings: RunSettings;
  /** Variables to record and compare (default: all). */
  readonly variables?: readonly string[];
  /** Compare against this scenario (default: the first) at these times (default: every saved time). */
  readonly base?: string;
  readonly times?: readonly number[];
  /** The project's data tables by lower-case name, for data overrides. */
  readonly dataTables?: Readonly<Record<string, DataTableData>>;
}

export interface ScenarioJobRun {
  readonly scenario: string;
  readonly times: Float64Array;
  readonly series: readonly JobSeries[];
  readonly nonFinite?: { readonly variable: string; readonly time: number; readonly message: string };
}

export interface ScenarioJobResult {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly message?: string;
  readonly timeUnit?: string;
  readonly problems: readonly ScenarioProblem[];
  readonly runs: readonly ScenarioJobRun[];
  readonly comparison?: ScenarioComparison;
}

/** The parameters, outputs, graphs and saved times of a model, for the forms that build scenarios and specs. */
export function describeJob(text: string, file: string, dataTables?: Readonly<Record<string, DataTableData>>): { readonly diagnostics: readonly Diagnostic[]; readonly description?: ModelDescription } {
  const compiled = compileCached(text, file, dataTables);
  return { diagnostics: compiled.diagnostics, ...(compiled.model ? { description: describeModel(compiled.model) } : {}) };
}

/** Only checks: the problems of each scenario against the model as it is now. */
export function validateScenariosJob(job: Pick<ScenarioJob, 'text' | 'file' | 'scenarios' | 'dataTables'>): Pick<ScenarioJobResult, 'ok' | 'diagnostics' | 'message' | 'problems'> {
  const result = runOrValidate({ ...job, settings: {} }, false);
  return { ok: result.ok, diagnostics: result.diagnostics, problems: result.problems, ...(result.message ? { message: result.message } : {}) };
}

export function scenarioJob(job: ScenarioJob): ScenarioJobResult {
  return runOrValidate(job, true);
}

function runOrValidate(job: ScenarioJob, run: boolean): ScenarioJobResult {
  const compiled = compileCached(job.text, job.file, job.dataTables);
  const none = { problems: [], runs: [] };
  if (!compiled.model) return { ok: false, diagnostics: compiled.diagnostics, message: 'The model has errors: fix them to run scenarios.', ...none };
  const shapes = job.scenarios.map((s) => checkScenarioShape(s));
  const shapeProblems = shapes.flatMap((s) => s.problems);
  if (shapeProblems.length > 0) return { ok: false, diagnostics: compiled.diagnostics, problems: shapeProblems, runs: [] };
  const scenarios = shapes.map((s) => s.scenario!) as ScenarioDefinition[];
  const tables = job.dataTables ?? {};
  const dataTables = (name: string): DataTableData | undefined => tables[name.toLowerCase()];
  if (!run) {
    const problems = scenarios.flatMap((s) => validateScenario(compiled.model!, s, { dataTables }));
    return { ok: problems.length === 0, diagnostics: compiled.diagnostics, problems, runs: [] };
  }
  const base = { ast: parseModel(job.text, job.file).ast, model: compiled.model };
  const kinds = new Map(compiled.model.checked.variables.map((v) => [v.name, v.kind]));
  try {
    const { runs, problems } = runScenarios(base, scenarios, {
      dataTables,
      ...(job.settings.method ? { method: job.settings.method } : {}),
      ...(job.settings.dt !== undefined ? { dt: job.settings.dt } : {}),
      ...(job.settings.saveEvery !== undefined ? { saveEvery: job.settings.saveEvery } : {}),
      ...(job.settings.seed !== undefined ? { seed: job.settings.seed } : {}),
      ...(job.variables ? { vars: job.variables } : {}),
    });
    // Compare only when every scenario ran: a table missing one would mislead.
    const ok = problems.length === 0;
    const timeUnit = compiled.model.ir.sim.timeUnit;
    return {
      ok,
      diagnostics: compiled.diagnostics,
      ...(timeUnit ? { timeUnit } : {}),
      problems,
      runs: runs.map((r) => ({
        scenario: r.scenario,
        times: r.result.times,
        series: r.result.series.map((s) => ({ name: s.name, variable: s.variable, ...(kinds.has(s.variable) ? { kind: kinds.get(s.variable)! } : {}), ...(s.units ? { units: s.units } : {}), values: s.values })),
        ...(r.result.error ? { nonFinite: { variable: r.result.error.variable, time: r.result.error.time, message: r.result.error.message } } : {}),
      })),
      ...(ok && runs.length > 0 ? { comparison: compareRuns(runs, { ...(job.base ? { base: job.base } : {}), ...(job.times ? { times: job.times } : {}) }) } : {}),
    };
  } catch (err) {
    if (err instanceof ModelInputError) return { ok: false, diagnostics: compiled.diagnostics, message: err.message, ...none };
    throw err;
  }
}
