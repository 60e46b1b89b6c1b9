/**
 * Sensitivity work as run inside a worker thread: plan an analysis (compile, check the spec), then
 * run any of its chunks on demand. Each worker builds the same plan from the same request, so any
 * worker can run any chunk and the results do not depend on which did.
 */
import {
  parseModel, planSensitivity, prepareScenario, runChunk,
  type ChunkResult, type CompiledModel, type DataTableData, type Diagnostic, type ScenarioDefinition, type ScenarioProblem,
  type SensitivityPlan, type SpecProblem,
} from '../engine/src/index.js';
import { compileCached } from './run-job.js';

export interface SensitivityJob {
  /** Identifies the analysis, so a worker plans it once however many of its chunks it runs. */
  readonly key: string;
  readonly text: string;
  readonly file: string;
  readonly spec: unknown;
  /** A scenario every run starts from (its values and graphs). */
  readonly scenario?: ScenarioDefinition;
  /** The project's data tables by lower-case name, for the scenario's data overrides. */
  readonly dataTables?: Readonly<Record<string, DataTableData>>;
}

export type SensitivityPlanReply =
  | { readonly ok: true; readonly plan: SensitivityPlan; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly problems: readonly SpecProblem[]; readonly scenarioProblems: readonly ScenarioProblem[]; readonly message?: string };

interface Planned {
  readonly model: CompiledModel;
  readonly plan: SensitivityPlan;
}

const planned = new Map<string, Planned>();
const KEEP = 2;

/** Compiles the model (with the base scenario) and resolves the spec; the plan goes back without its LHS permutations (the main thread never samples). */
export function planJob(job: SensitivityJob): SensitivityPlanReply {
  const built = build(job);
  if (!('plan' in built)) return built;
  return { ok: true, plan: { ...built.plan, permutations: [] }, diagnostics: built.diagnostics };
}

export function chunkJob(job: SensitivityJob, chunk: number): ChunkResult {
  let hit = planned.get(job.key);
  if (!hit) {
    const built = build(job);
    if (!('plan' in built)) throw new Error(built.message ?? 'The analysis can no longer be planned: the model or spec changed.');
    hit = built;
  }
  return runChunk(hit.model, hit.plan, chunk);
}

function build(job: SensitivityJob): (Planned & { readonly diagnostics: readonly Diagnostic[] }) | Extract<SensitivityPlanReply, { ok: false }> {
  const compiled = compileCached(job.text, job.file, job.dataTables);
  const fail = (extra: Partial<Extract<SensitivityPlanReply, { ok: false }>>): Extract<SensitivityPlanReply, { ok: false }> => ({ ok: false, diagnostics: compiled.diagnostics, problems: [], scenarioProblems: [], ...extra });
  if (!compiled.model) return fail({ message: 'The model has errors: fix them to run an analysis.' });
  let model = compiled.model;
  let baseOverrides = {};
  if (job.scenario) {
    const tables = job.dataTables ?? {};
    const { prepared, problems } = prepareScenario({ ast: parseModel(job.text, job.file).ast, model }, job.scenario, { dataTables: (name) => tables[name.toLowerCase()] });
    if (!prepared) return fail({ scenarioProblems: problems, message: `The scenario "${job.scenario.name}" does not fit the model.` });
    model = prepared.model;
    baseOverrides = prepared.overrides;
  }
  const { plan, problems } = planSensitivity(model, job.spec, { baseOverrides });
  if (!plan) return fail({ problems, message: 'The analysis cannot run as specified.' });
  planned.set(job.key, { model, plan });
  if (planned.size > KEEP) planned.delete(planned.keys().next().value as string);
  return { model, plan, diagnostics: compiled.diagnostics };
}
