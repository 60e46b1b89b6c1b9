/**
 * The sensitivity calls of the workbench API: start an analysis in the background (its base
 * scenario from the project or the request), poll its progress, cancel it, fetch its results, and
 * keep finished ones in the project with the spec that produced them.
 */
import { SENSITIVITY_TABLES, sensitivityCsv, type SensitivityResult, type SensitivitySpec, type SensitivityTable } from '../engine/src/index.js';
import { ApiError, type SensitivityProgress, type WorkbenchApi } from './api.js';
import { fileSafe, safeFileName } from './file-names.js';
import type { ProjectStore } from './project-store.js';
import { SensitivityJobError, type SensitivityService } from './sensitivity-service.js';
import { projectTables } from './project-tables.js';
import { resolveScenario } from './workbench-scenarios.js';
import type { OpenProject } from './workbench.js';

export interface SensitivityApiContext {
  readonly sensitivity: SensitivityService;
  readonly project: (projectId: unknown) => OpenProject;
  /** The store of a project if it is still open (a job may outlive the project it was started from). */
  readonly openProject: (projectId: string) => ProjectStore | undefined;
}

type Method = 'startSensitivity' | 'getSensitivityProgress' | 'cancelSensitivity' | 'getSensitivityResult' | 'listSensitivityRuns' | 'getSensitivityRun' | 'deleteSensitivityRun' | 'exportSensitivityCsv';

export function sensitivityApi(ctx: SensitivityApiContext): Pick<WorkbenchApi, Method> {
  /** Where each job's results were stored, or why they could not be. */
  const stored = new Map<string, { readonly storedId?: number; readonly message?: string }>();
  const labels = new Map<string, string>();

  const progress = (jobId: unknown): SensitivityProgress => {
    const status = known(() => ctx.sensitivity.status(jobId as string));
    const kept = stored.get(status.jobId);
    return { ...status, ...(kept?.storedId !== undefined ? { storedId: kept.storedId } : {}), ...(kept?.message && !status.message ? { message: kept.message } : {}) };
  };

  const resultOf = (source: unknown): { result: SensitivityResult; label: string } => {
    if (typeof source !== 'object' || source === null) throw new ApiError('bad-request', 'Say which result to export: { jobId } or { projectId, sensitivityRunId }.');
    if ('jobId' in source) {
      const jobId = String(source.jobId);
      const result = known(() => ctx.sensitivity.result(jobId));
      if (!result) throw new ApiError('conflict', 'That analysis has no results yet (it is still running, or it failed).');
      return { result, label: labels.get(jobId) ?? 'sensitivity' };
    }
    const s = source as { projectId?: unknown; sensitivityRunId?: unknown };
    const run = ctx.project(s.projectId).store.getSensitivityRun(s.sensitivityRunId);
    return { result: run.result, label: run.label };
  };

  return {
    async startSensitivity(request) {
      if (!request || typeof request.text !== 'string') throw new ApiError('bad-request', 'An analysis needs the model text.');
      if (typeof request.spec !== 'object' || request.spec === null) throw new ApiError('bad-request', 'An analysis needs a spec.');
      const from = request.projectId !== undefined ? ctx.project(request.projectId).store : undefined;
      const target = request.store ? ctx.project(request.store.projectId) : undefined;
      // The model version the results will be linked to, read now: the text may be edited while it runs.
      const model = target && request.store ? target.store.getModel(request.store.modelId) : undefined;
      const scenario = request.scenario ? resolveScenario(from, request.scenario).scenario : undefined;
      const file = safeFileName(request.file ?? 'model.cwm');
      const label = request.store?.label ?? (model ? `${model.name} v${model.version}, ${request.spec.method}` : request.spec.method);
      const keep = (jobId: string): void => {
        const result = ctx.sensitivity.result(jobId);
        const status = ctx.sensitivity.status(jobId);
        if (!request.store || !model || !result || status.state !== 'done') return;
        const store = ctx.openProject(request.store.projectId);
        if (!store) return void stored.set(jobId, { message: 'The project was closed before the analysis finished, so its results were not kept in it.' });
        try {
          const info = store.saveSensitivityRun({ modelId: model.id, modelVersion: model.version, label, spec: request.spec, ...(scenario ? { scenario } : {}), elapsedMs: status.elapsedMs, result });
          stored.set(jobId, { storedId: info.id });
        } catch (err) {
          stored.set(jobId, { message: `The results could not be kept in the project: ${err instanceof Error ? err.message : String(err)}` });
        }
      };
      let jobId = '';
      const started = await ctx.sensitivity.start(
        { text: request.text, file, spec: request.spec, dataTables: projectTables(from, request.text, scenario ? [scenario] : []), ...(scenario ? { scenario } : {}) },
        (status) => { if (status.state !== 'running' && jobId) keep(jobId); },
      );
      if (started.ok) {
        jobId = started.jobId;
        labels.set(jobId, label);
        // A very short job may have finished before its id was known here.
        if (ctx.sensitivity.status(jobId).state !== 'running') keep(jobId);
      }
      return started;
    },

    async getSensitivityProgress(jobId) {
      return progress(jobId);
    },

    async cancelSensitivity(jobId) {
      known(() => ctx.sensitivity.cancel(jobId));
      return progress(jobId);
    },

    async getSensitivityResult(jobId) {
      const p = progress(jobId);
      const result = ctx.sensitivity.result(jobId);
      // The spec was checked by the worker before the job started.
      return { progress: p, spec: ctx.sensitivity.request(jobId).spec as SensitivitySpec, ...(result ? { result } : {}) };
    },

    async listSensitivityRuns(projectId) {
      return ctx.project(projectId).store.listSensitivityRuns();
    },

    async getSensitivityRun(projectId, sensitivityRunId) {
      return ctx.project(projectId).store.getSensitivityRun(sensitivityRunId);
    },

    async deleteSensitivityRun(projectId, sensitivityRunId) {
      ctx.project(projectId).store.deleteSensitivityRun(sensitivityRunId);
    },

    async exportSensitivityCsv(source, table) {
      if (!SENSITIVITY_TABLES.includes(table as SensitivityTable)) throw new ApiError('bad-request', `There is no table "${String(table).slice(0, 40)}": choose ${SENSITIVITY_TABLES.join(', ')}.`);
      const { result, label } = resultOf(source);
      return { fileName: `${fileSafe(label)} ${table}.csv`, content: sensitivityCsv(result, table) };
    },
  };
}

/** Unknown job ids become the API's not-found error. */
function known<T>(get: () => T): T {
  try {
    return get();
  } catch (err) {
    if (err instanceof SensitivityJobError) throw new ApiError('not-found', err.message);
    throw err;
  }
}
