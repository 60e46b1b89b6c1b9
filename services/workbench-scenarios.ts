/**
 * The scenario calls of the workbench API: check stored or new scenarios against the model text as
 * it is now, run and compare them in a worker, keep their runs. Scenarios named by id come from the
 * project; their data overrides read the project's data tables.
 */
import { comparisonToCsv, type ScenarioDefinition } from '../engine/src/index.js';
import { ApiError, type ScenarioRef, type SeriesData, type WorkbenchApi } from './api.js';
import { projectTables } from './project-tables.js';
import type { ProjectStore } from './project-store.js';
import type { RunService } from './run-service.js';
import type { OpenProject } from './workbench.js';
import { safeFileName } from './file-names.js';

export interface ScenarioApiContext {
  readonly runs: RunService;
  readonly project: (projectId: unknown) => OpenProject;
}

/** A stored scenario (by id) or a definition given in the request, as the engine takes it. */
export function resolveScenario(store: ProjectStore | undefined, ref: ScenarioRef): { readonly scenario: ScenarioDefinition; readonly id?: number } {
  if (typeof ref !== 'object' || ref === null) throw new ApiError('bad-request', 'A scenario is an object: { "id": … } of a stored one, or a definition with a name.');
  if ('id' in ref && typeof ref.id === 'number' && !('name' in ref)) {
    if (!store) throw new ApiError('bad-request', 'A stored scenario needs the projectId of its project.');
    const s = store.getScenario(ref.id);
    return { id: s.id, scenario: { name: s.name, ...(s.description ? { description: s.description } : {}), overrides: s.overrides, graphs: s.graphs, data: s.data } };
  }
  // A definition: its shape is checked with its names, in the worker.
  return { scenario: ref as ScenarioDefinition };
}

function modelText(text: unknown): string {
  if (typeof text !== 'string') throw new ApiError('bad-request', 'Scenarios need the model text.');
  return text;
}

export function scenarioApi(ctx: ScenarioApiContext): Pick<WorkbenchApi, 'describeModel' | 'validateScenarios' | 'compareScenarios'> {
  return {
    async describeModel(text, file = 'model.cwm', projectId) {
      const store = projectId !== undefined ? ctx.project(projectId).store : undefined;
      const result = await ctx.runs.describe(modelText(text), safeFileName(file), projectTables(store, modelText(text)));
      return { diagnostics: [...result.diagnostics], ...(result.description ? { description: result.description } : {}) };
    },

    async validateScenarios(request) {
      const text = modelText(request?.text);
      const store = request.projectId !== undefined ? ctx.project(request.projectId).store : undefined;
      let resolved: ReturnType<typeof resolveScenario>[];
      if (request.scenarios) resolved = request.scenarios.map((r) => resolveScenario(store, r));
      else if (store && request.modelId !== undefined) resolved = store.listScenarios(request.modelId).map((s) => resolveScenario(store, { id: s.id }));
      else throw new ApiError('bad-request', 'Name the scenarios to check, or a project and model whose scenarios to check.');
      const scenarios = resolved.map((r) => r.scenario);
      const result = await ctx.runs.scenarios({ text, file: safeFileName(request.file ?? 'model.cwm'), scenarios, settings: {}, dataTables: projectTables(store, text, scenarios) }, true);
      return {
        ok: result.ok,
        diagnostics: result.diagnostics,
        ...(result.message ? { message: result.message } : {}),
        scenarios: resolved.map(({ scenario, id }) => ({ name: scenario.name, ...(id !== undefined ? { id } : {}), problems: result.problems.filter((p) => p.scenario === scenario.name) })),
      };
    },

    async compareScenarios(request) {
      const text = modelText(request?.text);
      if (!Array.isArray(request.scenarios) || request.scenarios.length === 0) throw new ApiError('bad-request', 'Name at least one scenario to run.');
      const store = request.projectId !== undefined ? ctx.project(request.projectId).store : undefined;
      const target = request.store ? ctx.project(request.store.projectId) : undefined;
      const scenarios = request.scenarios.map((r) => resolveScenario(store, r).scenario);
      const settings = request.settings ?? {};
      const result = await ctx.runs.scenarios({
        text,
        file: safeFileName(request.file ?? 'model.cwm'),
        scenarios,
        settings,
        ...(request.variables ? { variables: request.variables } : {}),
        ...(request.base !== undefined ? { base: request.base } : {}),
        ...(request.times ? { times: request.times } : {}),
        dataTables: projectTables(store, text, scenarios),
      });
      const model = target && request.store && result.ok ? target.store.getModel(request.store.modelId) : undefined;
      return {
        ok: result.ok,
        diagnostics: result.diagnostics,
        ...(result.message ? { message: result.message } : {}),
        problems: result.problems,
        ...(result.timeUnit ? { timeUnit: result.timeUnit } : {}),
        runs: result.runs.map((r) => {
          const series: SeriesData[] = r.series.map((s) => ({ name: s.name, variable: s.variable, ...(s.kind ? { kind: s.kind as SeriesData['kind'] } : {}), ...(s.units ? { units: s.units } : {}), values: Array.from(s.values) }));
          const run = model && target
            ? target.store.saveRun({ modelId: model.id, modelVersion: model.version, label: r.scenario, settings, times: r.times, series: r.series })
            : undefined;
          return { scenario: r.scenario, times: Array.from(r.times), series, ...(r.nonFinite ? { nonFinite: r.nonFinite } : {}), ...(run ? { run } : {}) };
        }),
        ...(result.comparison ? { comparison: result.comparison, csv: comparisonToCsv(result.comparison) } : {}),
      };
    },
  };
}
